import pytest
from django.core.cache import cache

from conferences.tests.builders import campaign_for, conference_for


@pytest.fixture
def campaign(world):
    return campaign_for(world)


@pytest.fixture
def conference(world, campaign):
    return conference_for(world, campaign)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public lists are cached for a minute; each test starts with none cached."""
    cache.clear()
