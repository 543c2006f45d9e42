import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public lists are cached for a minute; each test starts with none cached."""
    cache.clear()
