"""Fill the folded name of every existing unit, a batch of rows at a time."""

from django.db import migrations

from vn.text import fold

BATCH = 1000


def fill(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    last = 0
    while True:
        batch = list(Organization.objects.filter(pk__gt=last).order_by("pk").only("name")[:BATCH])
        if not batch:
            return
        for unit in batch:
            unit.name_folded = fold(unit.name)[:255]
        Organization.objects.bulk_update(batch, ["name_folded"])
        last = batch[-1].pk


def empty(apps, schema_editor):
    apps.get_model("organizations", "Organization").objects.update(name_folded="")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_organization_name_folded")]
    operations = [migrations.RunPython(fill, empty)]
