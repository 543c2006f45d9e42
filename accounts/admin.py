from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiToken, RoleGrant, User

admin.site.register(User, UserAdmin)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "granted_at", "revoked_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization", "granted_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["scope"]
    readonly_fields = ["digest", "last_used_at", "last_used_ip"]
