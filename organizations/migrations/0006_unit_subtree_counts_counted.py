from django.db import migrations
from django.db.models import Count, Q, Sum


def count(apps, schema_editor):
    """Fill each unit's whole-subtree counts from the units' own counts."""
    from organizations.subtree import subtree_counted, subtree_store

    Organization = apps.get_model("organizations", "Organization")
    wanted = subtree_counted(
        Organization.objects.order_by(),
        "",
        [],
        subtree_members=Sum("member_count"),
        subtree_exempt=Sum("exempt_count"),
        subtree_cells=Count("pk", filter=Q(level__holds_members=True, valid_to__isnull=True)),
    )
    stored = Organization.objects.order_by("pk")
    subtree_store(stored, [], ("subtree_members", "subtree_exempt", "subtree_cells"), wanted)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_unit_subtree_counts")]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
