from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = "Hội nghị, điểm cầu và điểm danh"

    def ready(self):
        from conferences.services import subtree_tallies_recount
        from organizations.subtree import subtree_recounts

        subtree_recounts(subtree_tallies_recount)
