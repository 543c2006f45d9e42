from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from organizations.models import Level, Organization, OrganizationRename


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "holds_members"]


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = [
        "name",
        "code",
        "level",
        "issuer_code",
        "valid_from",
        "valid_to",
        "member_count",
    ]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["member_count"]


@admin.register(OrganizationRename)
class OrganizationRenameAdmin(admin.ModelAdmin):
    list_display = ["organization", "old_name", "new_name", "renamed_on"]
    raw_id_fields = ["organization"]
