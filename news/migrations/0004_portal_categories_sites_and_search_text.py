"""The three categories every committee's site starts with, a site for each unit that
has already published, and the folded search text of existing items."""

from django.db import migrations
from django.utils.text import slugify

from documents.symbols import find_symbols
from vn.text import fold

CATEGORIES = [
    ("Học tập, quán triệt nghị quyết", "hoc-tap-quan-triet-nghi-quyet"),
    ("Hoạt động cơ sở", "hoat-dong-co-so"),
    ("Văn bản mới", "van-ban-moi"),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    Site = apps.get_model("news", "Site")
    Article = apps.get_model("news", "Article")
    for position, (name, slug) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    published = Article.objects.filter(state="published").values_list("organization", flat=True)
    Organization = apps.get_model("organizations", "Organization")
    for unit in Organization.objects.filter(pk__in=published).order_by("path"):
        if Site.objects.filter(organization=unit).exists():
            continue
        base = slugify(fold(unit.name))[:140] or "don-vi"
        slug, n = base, 1
        while Site.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        Site.objects.create(organization=unit, slug=slug)
    for article in Article.objects.only("pk", "title", "lead", "body", "author").iterator():
        text = "\n".join([article.title, article.lead, article.body, article.author])
        symbols = [match.symbol.canonical for match in find_symbols(text)]
        Article.objects.filter(pk=article.pk).update(search_text=fold(" ".join([text, *symbols])))


def backwards(apps, schema_editor):
    apps.get_model("news", "Site").objects.all().delete()
    apps.get_model("news", "Category").objects.filter(
        slug__in=[slug for _name, slug in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("news", "0003_portal_sites_categories_features_daily_counts")]

    operations = [migrations.RunPython(forwards, backwards)]
