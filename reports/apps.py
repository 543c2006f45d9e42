from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Bài thu hoạch"

    def ready(self):
        from organizations.subtree import subtree_recounts
        from reports import standing
        from reports.services import report_subtrees_recount

        subtree_recounts(report_subtrees_recount)
        standing.connect()
