"""Every form label and choice a user can see is Vietnamese: a model field without a
`verbose_name` or a choice without a label shows Django's English default instead."""

import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.forms.utils import pretty_name

APPS = [
    "accounts",
    "campaigns",
    "conferences",
    "documents",
    "members",
    "news",
    "organizations",
    "programmes",
    "reporting",
    "reports",
]
# Words that read the same in a Vietnamese page (formats, codes), and Vietnamese words
# written without diacritics.
ALLOWED = {"STT", "DOCX", "PDF", "XLSX", "ZIP", "QR", "API", "Email", "Nam", "Xong", "Zalo"}
ENGLISH_ONLY = re.compile(r"^[A-Za-z][A-Za-z ()/-]*$")


def _form_classes():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{app}.{name}", cls


def _english(text: str, name: str) -> bool:
    text = str(text)
    return text == pretty_name(name) or (bool(ENGLISH_ONLY.match(text)) and text not in ALLOWED)


def _visible_fields(cls):
    for name, field in cls.base_fields.items():
        if not field.widget.is_hidden:
            yield name, field


FORMS = sorted(_form_classes())


@pytest.mark.parametrize(("where", "form_class"), FORMS, ids=[where for where, _ in FORMS])
def test_a_forms_labels_and_choices_are_vietnamese(where, form_class):
    english = []
    for name, field in _visible_fields(form_class):
        label = field.label if field.label is not None else pretty_name(name)
        if _english(label, name):
            english.append(f"{name}: {label}")
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            for value, text in field.choices:
                if (
                    isinstance(text, str | type(label))
                    and str(value)
                    and _english(text, str(value))
                ):
                    english.append(f"{name}={value}: {text}")
    assert english == []


def test_every_choice_of_every_model_field_has_a_vietnamese_label():
    english = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            for value, text in getattr(field, "flatchoices", None) or ():
                if str(value) and _english(text, str(value).replace("_", " ")):
                    english.append(f"{model._meta.label}.{field.name}={value}: {text}")
    assert english == []


def test_every_field_a_model_form_shows_has_a_vietnamese_name():
    english = []
    for where, cls in FORMS:
        if not issubclass(cls, forms.ModelForm):
            continue
        model = cls._meta.model
        for name, _field in _visible_fields(cls):
            try:
                verbose = model._meta.get_field(name).verbose_name
            except Exception:  # a form-only field: its label is checked above
                continue
            if verbose == name.replace("_", " "):
                english.append(f"{where}.{name}")
    assert english == []
