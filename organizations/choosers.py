"""The unit chooser: a search box that asks the server as one types (htmx), showing each
unit with its parent and code, never a select of every unit in scope. The endpoint asks
the policy (`organizations_for(user, action)`); the form field's own queryset still
decides what is valid when the form comes back."""

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from organizations.models import Organization
from vn.text import fold, natural_key

SHOWN = 20


def with_parents(units: list[Organization]) -> list[Organization]:
    """Each unit gets `parent_name`, read in one query for the lot."""
    parent_paths = {u.path[: -Organization.steplen] for u in units if u.depth > 1}
    names = dict(Organization.objects.filter(path__in=parent_paths).values_list("path", "name"))
    for unit in units:
        unit.parent_name = names.get(unit.path[: -Organization.steplen], "")
    return units


def _closeness(folded: str, code: str) -> Case:
    """0 for the name or code typed whole, 1 for a name that starts with the words typed,
    2 for one that ends with them ("khu pho 1" before "khu pho 10"), 3 for one that holds
    them together from the start of a word, 4 for the rest."""
    return Case(
        When(Q(name_folded=folded) | Q(code__iexact=code), then=Value(0)),
        When(name_folded__startswith=folded, then=Value(1)),
        When(name_folded__endswith=f" {folded}", then=Value(2)),
        When(name_folded__contains=f" {folded}", then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def matching(units, query: str, *, closed: bool = False) -> list[Organization]:
    """Up to SHOWN units of `units` whose name (with or without diacritics) or code holds
    every word of `query`: the closest first, then in name order (a renamed unit sorts by
    its new name)."""
    if not closed:
        units = units.open_now()
    words = query.split()[:5]
    for word in words:
        units = units.filter(Q(name_folded__contains=fold(word)) | Q(code__icontains=word))
    folded = fold(" ".join(words))
    if folded:
        units = units.annotate(closeness=_closeness(folded, query.strip()))
    else:
        units = units.annotate(closeness=Value(0, output_field=IntegerField()))
    found = list(units.order_by("closeness", "name_folded", "pk")[:SHOWN])
    found.sort(key=lambda unit: (unit.closeness, natural_key(unit.name)))
    return with_parents(found)


class UnitChooser(forms.Widget):
    """For a ModelChoiceField (one unit) or ModelMultipleChoiceField (several) over
    Organization. `action` names the policy action the endpoint scopes by; `within`
    (a unit pk) narrows the search to that subtree."""

    def __init__(self, action: str = "view", *, multiple: bool = False, within=None, attrs=None):
        super().__init__(attrs)
        self.action, self.multiple, self.within = action, multiple, within
        self.queryset = Organization.objects.none()

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked means nothing chosen, not "leave as it was"

    def _chosen(self, value) -> list[Organization]:
        values = value if isinstance(value, list | tuple) else [value]
        pks = [str(v.pk if isinstance(v, Organization) else v) for v in values if v]
        pks = [pk for pk in pks if pk.isdigit()]
        return with_parents(list(self.queryset.filter(pk__in=pks))) if pks else []

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self._chosen(value)
        offered = [u for u in matching(self.queryset, "") if u.pk not in {c.pk for c in chosen}]
        offered = offered[: max(SHOWN - len(chosen), 0)]  # a short list, the chosen first
        url = reverse("organizations:choose")
        query = f"field={name}&action={self.action}&multiple={int(self.multiple)}"
        if self.within:
            query += f"&within={self.within}"
        return render_to_string(
            "organizations/_chooser.html",
            {
                "name": name,
                "id": (attrs or {}).get("id") or f"id_{name}",
                "multiple": self.multiple,
                "chosen": chosen,
                "offered": offered,
                "url": f"{url}?{query}",
            },
        )


def use_chooser(field, queryset, action: str = "view", *, within=None) -> None:
    """Give a form's unit field the chooser, over `queryset` (the policy's answer)."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    field.queryset = queryset
    field.widget = UnitChooser(action, multiple=multiple, within=within)
    field.widget.queryset = queryset
