from django.db import migrations
from django.db.models import Sum

FIELDS = ("submitted", "on_time", "late", "returned", "rated", "flagged", "encouraged")


def count(apps, schema_editor):
    """Fill the subtree rows from the unit tallies already stored."""
    from organizations.subtree import subtree_counted, subtree_store

    ReportTally = apps.get_model("reports", "ReportTally")
    RatingTally = apps.get_model("reports", "RatingTally")
    wanted = subtree_counted(
        ReportTally.objects.all(),
        "organization",
        ["campaign_id"],
        **{name: Sum(name) for name in FIELDS},
    )
    stored = apps.get_model("reports", "ReportSubtree").objects.order_by("pk")
    subtree_store(stored, ["campaign_id"], FIELDS, wanted)
    scope = ["campaign_id", "rating"]
    wanted = subtree_counted(RatingTally.objects.all(), "organization", scope, count=Sum("count"))
    stored = apps.get_model("reports", "RatingSubtree").objects.order_by("pk")
    subtree_store(stored, scope, ["count"], wanted)


def forget(apps, schema_editor):
    apps.get_model("reports", "ReportSubtree").objects.all().delete()
    apps.get_model("reports", "RatingSubtree").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_report_subtrees")]

    operations = [migrations.RunPython(count, forget)]
