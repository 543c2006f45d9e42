import pytest

from programmes.tests.builders import programme_for


@pytest.fixture
def programme(world):
    return programme_for(world)
