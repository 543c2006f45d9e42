from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Chương trình hành động, nhiệm vụ, đôn đốc, kiểm tra"

    def ready(self):
        from organizations.subtree import subtree_recounts
        from programmes.services import task_subtrees_recount

        subtree_recounts(task_subtrees_recount)
