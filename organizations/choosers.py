"""The unit chooser: a search box that asks the server as one types (htmx), showing each
unit with its parent and code, never a select of every unit in scope. The endpoint asks
the policy (`organizations_for(user, action)`); the form field's own queryset still
decides what is valid when the form comes back."""

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from organizations.models import Organization
from vn.text import natural_key

SHOWN = 20


def with_parents(units: list[Organization]) -> list[Organization]:
    """Each unit gets `parent_name`, read in one query for the lot."""
    parent_paths = {u.path[: -Organization.steplen] for u in units if u.depth > 1}
    names = dict(Organization.objects.filter(path__in=parent_paths).values_list("path", "name"))
    for unit in units:
        unit.parent_name = names.get(unit.path[: -Organization.steplen], "")
    return units


def matching(units, query: str, *, closed: bool = False) -> list[Organization]:
    """Up to SHOWN units of `units` whose name or code holds `query`, in name order
    (a renamed unit sorts by its new name)."""
    if not closed:
        units = units.open_now()
    for word in query.split()[:5]:
        units = units.filter(Q(name__icontains=word) | Q(code__icontains=word))
    found = list(units.order_by("name", "pk")[:SHOWN])
    return with_parents(sorted(found, key=lambda unit: natural_key(unit.name)))


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
