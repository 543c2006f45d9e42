"""A conference's chair was recorded on its main hall only: copy it to the conference."""

from django.db import migrations

BATCH = 2000


def chair_from_hall(apps, schema_editor):
    Conference = apps.get_model("conferences", "Conference")
    BridgePoint = apps.get_model("conferences", "BridgePoint")
    halls = (
        BridgePoint.objects.filter(is_main=True, conference__chair="")
        .exclude(chair="")
        .values_list("conference_id", "chair")
        .order_by("conference_id")
    )
    batch = []
    for conference_id, chair in halls.iterator(chunk_size=BATCH):
        batch.append(Conference(pk=conference_id, chair=chair))
        if len(batch) == BATCH:
            Conference.objects.bulk_update(batch, ["chair"])
            batch = []
    Conference.objects.bulk_update(batch, ["chair"])


class Migration(migrations.Migration):
    dependencies = [("conferences", "0004_conference_chair")]

    operations = [migrations.RunPython(chair_from_hall, migrations.RunPython.noop)]
