"""The site as gunicorn serves it in the portal benchmark, plus its static files.

With DEBUG off Django serves no static files; in production the front server does. The
first-paint measurement needs the stylesheet served from the same origin, as a reader's
phone would fetch it, so the benchmark wraps the application in Django's own static
handler (the one its live test server uses)."""

from django.contrib.staticfiles.handlers import StaticFilesHandler

from nghiquyet.wsgi import application as site

application = StaticFilesHandler(site)
