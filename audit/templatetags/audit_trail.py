"""Showing recorded values: ``{% load audit_trail %}``."""

import datetime as dt
import re

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.forms import action_label
from vn.formats import format_date, format_datetime

register = template.Library()

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$")


@register.filter
def audit_value(value):
    """A value from an entry's changes: empty as ∅, yes or no in words, ISO dates (how
    the trail stores them) as dd/mm/yyyy, anything else as it is."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(parsed) if len(value) == 10 else format_datetime(parsed)
    return value


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


# Keys written by services that are not a field of the entry's model, or are fields
# still named by Django's default (their English name).
KEYS = {
    "absent_unmarked": _lazy("vắng (chưa điểm danh)"),
    "campaign": _lazy("đợt học tập"),
    "channel": _lazy("kênh"),
    "closed_pending": _lazy("số đảng viên bị khóa nộp"),
    "comment": _lazy("nhận xét"),
    "conference": _lazy("hội nghị"),
    "count": _lazy("số lượng"),
    "created": _lazy("tạo mới"),
    "document": _lazy("văn bản"),
    "documents": _lazy("văn bản"),
    "due": _lazy("hạn"),
    "due_on": _lazy("hạn"),
    "emailed": _lazy("đã gửi thư"),
    "expires_at": _lazy("hết hạn"),
    "file": _lazy("tệp"),
    "files": _lazy("tệp"),
    "guests": _lazy("khách mời"),
    "host": _lazy("đơn vị chủ trì"),
    "kind": _lazy("loại"),
    "late": _lazy("nộp muộn"),
    "left_on": _lazy("ngày thôi sinh hoạt"),
    "left_reason": _lazy("lý do thôi sinh hoạt"),
    "link": _lazy("liên kết"),
    "made_up": _lazy("đã học bù"),
    "marks": _lazy("số lượt điểm danh"),
    "member": _lazy("đảng viên"),
    "members": _lazy("đảng viên"),
    "name": _lazy("tên"),
    "names": _lazy("tên"),
    "on_behalf": _lazy("nhập hộ"),
    "organization": _lazy("đơn vị"),
    "origin": _lazy("nguồn"),
    "owner": _lazy("đơn vị sở hữu"),
    "page": _lazy("trang"),
    "parent": _lazy("đơn vị cấp trên"),
    "photo": _lazy("ảnh"),
    "q": _lazy("từ khóa tìm"),
    "rating": _lazy("xếp loại"),
    "reading": _lazy("bài đã dán"),
    "reason": _lazy("lý do"),
    "reminded": _lazy("đã nhắc"),
    "report_due": _lazy("hạn nộp bài"),
    "role": _lazy("vai trò"),
    "scope": _lazy("phạm vi"),
    "sections": _lazy("phần bài viết"),
    "state": _lazy("tình trạng"),
    "status": _lazy("tình trạng"),
    "tasks": _lazy("nhiệm vụ"),
    "term": _lazy("khóa"),
    "title": _lazy("tiêu đề"),
    "transferred": _lazy("đã chuyển"),
    "unit": _lazy("đơn vị"),
    "units": _lazy("đơn vị"),
    "updated": _lazy("đã cập nhật"),
    "user": _lazy("người dùng"),
    "version": _lazy("lần nộp"),
    "via": _lazy("cách thức"),
}


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except Exception:  # FieldDoesNotExist
        return None


def _shown(value, choices: dict):
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = choices.get(value, value)
    return audit_value(value)


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str]]:
    """An entry's changes as (field, old, new) to show: a field by its model's Vietnamese
    name, a coded choice by its label, every value through audit_value."""
    # get_for_id is cached per process: no query per row.
    model = (
        ContentType.objects.get_for_id(entry.content_type_id).model_class()
        if entry.content_type_id
        else None
    )
    shown = []
    for name, change in (entry.changes or {}).items():
        field = _field(model, name)
        verbose = getattr(field, "verbose_name", None)  # reverse relations have none
        named = verbose is not None and str(verbose) != name.replace("_", " ")
        label = capfirst(verbose) if named else capfirst(KEYS.get(name, name))
        choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        old, new = (change + [None, None])[:2] if isinstance(change, list) else (None, change)
        shown.append((label, _shown(old, choices), _shown(new, choices)))
    return shown
