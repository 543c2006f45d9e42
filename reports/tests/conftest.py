import pytest

from conferences.tests.builders import campaign_for


@pytest.fixture
def campaign(world):
    return campaign_for(world)
