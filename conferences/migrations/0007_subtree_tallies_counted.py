from django.db import migrations
from django.db.models import Count, F, Sum

FIELDS = (
    "present",
    "present_online",
    "left_early",
    "absent_excused",
    "absent_unexcused",
    "made_up",
    "encouraged",
    "guests",
)


def count(apps, schema_editor):
    """Fill the subtree rows from the unit tallies already stored."""
    from organizations.subtree import subtree_counted, subtree_store

    Tally = apps.get_model("conferences", "Tally")
    SubtreeTally = apps.get_model("conferences", "SubtreeTally")
    tallies = Tally.objects.all()
    wanted = subtree_counted(
        tallies, "organization", ["campaign_id"], **{name: Sum(name) for name in FIELDS}
    )
    marked = F("present") + F("left_early") + F("absent_excused") + F("absent_unexcused")
    held = tallies.alias(marked=marked).filter(
        marked__gt=0, organization__level__holds_members=True, organization__valid_to__isnull=True
    )
    for key, row in subtree_counted(
        held, "organization", ["campaign_id"], cells_held=Count("pk")
    ).items():
        wanted.setdefault(key, {}).update(row)
    subtree_store(
        SubtreeTally.objects.order_by("pk"), ["campaign_id"], (*FIELDS, "cells_held"), wanted
    )


def forget(apps, schema_editor):
    apps.get_model("conferences", "SubtreeTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("conferences", "0006_subtree_tallies")]

    operations = [migrations.RunPython(count, forget)]
