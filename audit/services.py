"""Recording who changed what. Every user-made write calls `audit_record`."""

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEntry

# Set per request by AuditContextMiddleware; background jobs leave it empty.
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def audit_entry(actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    """An unsaved entry, for bulk_create by importers."""
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        ip=request_ip.get(),
    )


def audit_record(actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    entry = audit_entry(actor, action, obj, changes)
    entry.save()
    return entry
