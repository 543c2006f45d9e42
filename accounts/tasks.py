from django_tasks import task

from accounts import token_use


@task()
def token_use_flush() -> int:
    """Write the API token uses gathered in the cache to the tokens."""
    return token_use.flush()
