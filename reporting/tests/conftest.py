import pytest

from conferences.tests.builders import campaign_for, conference_for


@pytest.fixture
def campaign(world):
    return campaign_for(world)


@pytest.fixture
def conference(world, campaign):
    return conference_for(world, campaign)
