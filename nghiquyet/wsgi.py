import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")
application = get_wsgi_application()

# Imported once Django is set up: the front doors read settings and the cache.
from conferences.front import CheckinFront  # noqa: E402
from news.front import PortalFront  # noqa: E402
from reports.front import SubmissionFront  # noqa: E402

application = SubmissionFront(CheckinFront(PortalFront(application)))
