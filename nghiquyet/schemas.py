"""What the API's input schemas share: the limits of the columns they end in, a bounded
page, and the Vietnamese reasons for a refused input.

Pages get their limits from Django's model forms. The API's schemas are written by hand,
so `column()` reads the limits from the model field, and a schema cannot promise more
than the database holds.
"""

from typing import Annotated, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1  # past the end of any table of ours, and a number every database takes


def column(model: type[models.Model], name: str) -> Any:
    """The type of `model.name` for an input schema, bounded as its column is: a string's
    length; an integer's range (the portable one: what PostgreSQL's column holds, though
    SQLite would store more) narrowed by the field's own validators. A foreign key is
    bounded as the key it points to."""
    field = model._meta.get_field(name)
    if field.is_relation:
        field = field.target_field
    if isinstance(field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        for validator in field.validators:
            if isinstance(validator, MinValueValidator):
                low = max(low, validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                high = min(high, validator.limit_value)
        return Annotated[int, Field(ge=low, le=high)]
    if isinstance(field, models.CharField):
        return Annotated[str, Field(max_length=field.max_length)]
    if isinstance(field, models.TextField):
        return str
    raise TypeError(f"{model.__name__}.{name}: no input type for {type(field).__name__}")


class Pagination(LimitOffsetPagination):
    """limit/offset within bounds, so that a page of 10^20 is 422, not a database error."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _reason(error: dict) -> str:
    kind, context = error["type"], error.get("ctx", {})
    if kind == "missing":
        return _("thiếu")
    if kind == "string_too_long":
        return _("dài quá %(n)s ký tự") % {"n": context.get("max_length")}
    if kind in ("less_than_equal", "less_than"):
        return _("phải nhỏ hơn hoặc bằng %(n)s") % {"n": context.get("le", context.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("phải lớn hơn hoặc bằng %(n)s") % {"n": context.get("ge", context.get("gt"))}
    if kind.startswith("int_"):
        return _("phải là số nguyên")
    if kind.startswith(("float_", "decimal_")):
        return _("phải là số")
    if kind.startswith("bool_"):
        return _("phải là true hoặc false")
    if kind.startswith("date_"):
        return _("phải là ngày dạng yyyy-mm-dd")
    if kind.startswith("datetime_"):
        return _("phải là thời điểm dạng yyyy-mm-ddThh:mm")
    if kind == "string_type":
        return _("phải là chuỗi ký tự")
    if kind == "list_type":
        return _("phải là danh sách")
    if kind in ("enum", "literal_error"):
        return _("phải là một trong: %(choices)s") % {"choices": context.get("expected", "")}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("phải là một đối tượng JSON")
    return _("không hợp lệ")


def _field(error: dict) -> str:
    """`title`, `sections.0`, `limit`: the location without where it was sent (body,
    query…) and the name of the view's parameter."""
    location = [str(part) for part in error.get("loc", ())][1:]
    if location and location[0] in ("payload", "filters"):
        location = location[1:]
    return ".".join(location) or _("dữ liệu gửi lên")


def invalid_input(errors: list[dict]) -> dict:
    """The answer to inputs the schema refused: one Vietnamese sentence naming each field,
    and the fields with their reasons for programs."""
    reasons = [{"field": _field(error), "reason": _reason(error)} for error in errors]
    sentence = "; ".join(f"{r['field']} {r['reason']}" for r in reasons)
    return {
        "detail": _("Dữ liệu không hợp lệ: %(reasons)s.") % {"reasons": sentence},
        "errors": reasons,
    }
