from django.contrib import admin

from members.models import Member, RosterImport, Transfer


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "card_number", "status", "organization", "left_on"]
    list_filter = ["status", "gender"]
    search_fields = ["card_number", "search_text"]
    raw_id_fields = ["organization", "user"]
    readonly_fields = ["sort_key", "search_text"]


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["member", "from_organization", "to_organization", "transferred_on"]
    raw_id_fields = ["member", "from_organization", "to_organization", "recorded_by"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "organization", "state", "total_rows", "created_at"]
    raw_id_fields = ["organization", "created_by"]
    exclude = ["rows"]
