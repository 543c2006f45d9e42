from django.db import migrations
from django.db.models import Count


def count_exempt(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Member = apps.get_model("members", "Member")
    counts = (
        Member.objects.filter(left_on__isnull=True, status="exempt")
        .values("organization")
        .annotate(n=Count("pk"))
        .order_by()
    )
    batch = [Organization(pk=row["organization"], exempt_count=row["n"]) for row in counts]
    Organization.objects.bulk_update(batch, ["exempt_count"], batch_size=1000)


def forget_exempt(apps, schema_editor):
    apps.get_model("organizations", "Organization").objects.update(exempt_count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_organization_exempt_count"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(count_exempt, forget_exempt)]
