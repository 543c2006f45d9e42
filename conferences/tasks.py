import logging

from django_tasks import task

from conferences.services import tally_rebuild

logger = logging.getLogger(__name__)


@task()
def tallies_rebuild(campaign_pk: int | None = None) -> int:
    """Recount attendance tallies and headcounts from the marks. A non-zero result means
    the maintained counters had drifted; it is logged so that someone looks into it."""
    changed = tally_rebuild([campaign_pk] if campaign_pk is not None else None)
    if changed:
        logger.warning("tally rebuild corrected %s rows (campaign %s)", changed, campaign_pk)
    return changed
