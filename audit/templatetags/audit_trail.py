"""Showing recorded values: ``{% load audit_trail %}``."""

import datetime as dt
import re

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "absent_unmarked": gettext_lazy("vắng (chưa điểm danh)"),
    "campaign": gettext_lazy("đợt học tập"),
    "channel": gettext_lazy("kênh"),
    "closed_pending": gettext_lazy("số đảng viên bị khóa nộp"),
    "comment": gettext_lazy("nhận xét"),
    "conference": gettext_lazy("hội nghị"),
    "count": gettext_lazy("số lượng"),
    "created": gettext_lazy("tạo mới"),
    "document": gettext_lazy("văn bản"),
    "documents": gettext_lazy("văn bản"),
    "due": gettext_lazy("hạn"),
    "due_on": gettext_lazy("hạn"),
    "emailed": gettext_lazy("đã gửi thư"),
    "expires_at": gettext_lazy("hết hạn"),
    "file": gettext_lazy("tệp"),
    "format": gettext_lazy("định dạng tệp"),
    "files": gettext_lazy("tệp"),
    "guests": gettext_lazy("khách mời"),
    "host": gettext_lazy("đơn vị chủ trì"),
    "kind": gettext_lazy("loại"),
    "late": gettext_lazy("nộp muộn"),
    "left_on": gettext_lazy("ngày thôi sinh hoạt"),
    "left_reason": gettext_lazy("lý do thôi sinh hoạt"),
    "link": gettext_lazy("liên kết"),
    "made_up": gettext_lazy("đã học bù"),
    "marks": gettext_lazy("số lượt điểm danh"),
    "member": gettext_lazy("đảng viên"),
    "members": gettext_lazy("đảng viên"),
    "name": gettext_lazy("tên"),
    "names": gettext_lazy("tên"),
    "notified": gettext_lazy("số người được báo"),
    "on_behalf": gettext_lazy("nhập hộ"),
    "organization": gettext_lazy("đơn vị"),
    "origin": gettext_lazy("nguồn"),
    "owner": gettext_lazy("đơn vị sở hữu"),
    "page": gettext_lazy("trang"),
    "parent": gettext_lazy("đơn vị cấp trên"),
    "photo": gettext_lazy("ảnh"),
    "q": gettext_lazy("từ khóa tìm"),
    "rating": gettext_lazy("xếp loại"),
    "reading": gettext_lazy("bài đã dán"),
    "reason": gettext_lazy("lý do"),
    "reminded": gettext_lazy("đã nhắc"),
    "report_due": gettext_lazy("hạn nộp bài"),
    "reports_rejudged": gettext_lazy("số bài thu hoạch xét lại đúng hạn, muộn"),
    "role": gettext_lazy("vai trò"),
    "scope": gettext_lazy("phạm vi"),
    "sections": gettext_lazy("phần bài viết"),
    "state": gettext_lazy("tình trạng"),
    "status": gettext_lazy("tình trạng"),
    "tasks": gettext_lazy("nhiệm vụ"),
    "term": gettext_lazy("khóa"),
    "title": gettext_lazy("tiêu đề"),
    "transferred": gettext_lazy("đã chuyển"),
    "unit": gettext_lazy("đơn vị"),
    "units": gettext_lazy("đơn vị"),
    "updated": gettext_lazy("đã cập nhật"),
    "user": gettext_lazy("người dùng"),
    "version": gettext_lazy("lần nộp"),
    "via": gettext_lazy("cách thức"),
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
