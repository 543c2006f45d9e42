from django.db import migrations
from django.db.models import Sum

BUCKETS = (
    "done_on_time",
    "done_late",
    "open_in_time",
    "overdue",
    "not_started",
    "adjusted",
    "dropped",
)


def count(apps, schema_editor):
    """Fill the subtree rows from the task tallies already stored."""
    from organizations.subtree import subtree_counted, subtree_store

    tallies = apps.get_model("programmes", "TaskTally").objects.all()
    sums = {name: Sum(name) for name in BUCKETS}
    wanted = subtree_counted(tallies, "organization", ["document_id"], **sums)
    stored = apps.get_model("programmes", "TaskSubtree").objects.order_by("pk")
    subtree_store(stored, ["document_id"], BUCKETS, wanted)


def forget(apps, schema_editor):
    apps.get_model("programmes", "TaskSubtree").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0005_task_subtrees")]

    operations = [migrations.RunPython(count, forget)]
