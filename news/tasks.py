from django_tasks import task

from news import counting


@task()
def counts_flush() -> int:
    """Write the readers and visitors gathered in the cache to the database."""
    return counting.flush()
