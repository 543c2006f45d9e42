import pytest

from conferences import services


@pytest.fixture
def hall(conference):
    return conference.bridge_points.get(is_main=True)


@pytest.fixture
def cell2_point(world, conference):
    """A bridge point for the second cell: its members go there, not to the hall."""
    return services.bridge_point_add(
        world.secretary,
        conference,
        name="Nhà văn hóa khu phố 2",
        host=world.cell2,
        units=[world.cell2],
        chair="Đ/c Hoàng Văn Nam",
    )
