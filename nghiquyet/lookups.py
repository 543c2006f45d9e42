"""An id past the range of its column matches no row, in every lookup that takes one.

Django answers `filter(pk=2**64)` with no rows (its IntegerFieldOverflow) rather than let
SQLite's driver raise OverflowError, but not `pk__in=[2**64]` (a forged multi-select) nor
`report_id=2**64` (a foreign key from an address). These lookups close those two gaps;
`nghiquyet.apps` registers them at start-up.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _fits(value, field, connection) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    try:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not an integer column
        return True
    return (low is None or low <= value) and (high is None or value <= high)


def _target(lookup):
    """The column a related lookup compares with: the target of a single-column key."""
    return lookup.lhs.output_field.path_infos[-1].target_fields[-1]


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            self.rhs = [value for value in self.rhs if _fits(value, field, connection)]
        return super().process_rhs(compiler, connection)


class RelatedInRange(RelatedIn):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and hasattr(self.lhs.output_field, "path_infos"):
            field = _target(self)
            self.rhs = [value for value in self.rhs if _fits(value, field, connection)]
        return super().process_rhs(compiler, connection)


class RelatedExactInRange(RelatedExact):
    def process_rhs(self, compiler, connection):
        if (
            self.rhs_is_direct_value()
            and hasattr(self.lhs.output_field, "path_infos")
            and not _fits(self.rhs, _target(self), connection)
        ):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedInRange)
    ForeignObject.register_lookup(RelatedExactInRange)
