from django.apps import AppConfig


class NghiquyetConfig(AppConfig):
    """The project itself: what every app relies on at start-up."""

    name = "nghiquyet"

    def ready(self):
        from nghiquyet import lookups

        lookups.register()
