"""Every message the source marks for translation has its English, compiled: a page in
English never falls back to a Vietnamese sentence because a string was added after the
catalogue was last filled. `scripts/untranslated.py --update` lists what to fill."""

import gettext
import os
import shutil
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
sys.path.insert(0, str(ROOT / "scripts"))
from untranslated import entries  # noqa: E402

SOURCES = (".py", ".html", ".txt")
NOT_SOURCE = {".venv", "var", "bench", "locale", "static", "node_modules", ".git"}


def _compiled() -> dict:
    with open(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def _key(entry, form=None):
    msgid = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
    return msgid if form is None else (msgid, form)


def _translations(catalogue: dict, entry) -> list[str]:
    if entry.plural is None:
        return [catalogue.get(_key(entry), "")]
    return [catalogue.get(_key(entry, form), "") for form in (0, 1)]


@pytest.fixture
def extracted(tmp_path):
    """The messages of the source as `makemessages` finds them now, extracted from a copy
    of the tree so that the catalogue in the repository is left alone."""
    if not shutil.which("xgettext"):
        pytest.skip("Thiếu GNU gettext (apt-get install gettext): bỏ qua kiểm tra danh mục dịch")
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if NOT_SOURCE & set(relative.parts) or path.suffix not in SOURCES or not path.is_file():
            continue
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, tmp_path / relative)
    (tmp_path / "locale").mkdir()
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["en"], verbosity=0)
    finally:
        os.chdir(here)
    found = entries((tmp_path / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    assert len(found) > 500  # the walk found the project's templates and code
    return found


def test_every_message_of_the_source_has_a_compiled_english_translation(extracted):
    catalogue = _compiled()
    missing = [entry.msgid for entry in extracted if not all(_translations(catalogue, entry))]
    assert not missing, (
        f"{len(missing)} chuỗi chưa có bản tiếng Anh (chạy scripts/untranslated.py --update, "
        "điền msgstr rồi compilemessages):\n" + "\n".join(missing)
    )


def test_the_compiled_catalogue_is_the_catalogue_as_written():
    """Plural and formatted messages too (test_project checks the plain ones)."""
    catalogue = _compiled()
    written = entries((ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    stale = [
        entry.msgid
        for entry in written
        if not entry.missing and _translations(catalogue, entry) != list(entry.strings.values())
    ]
    assert not stale, "django.mo cũ hơn django.po (chạy compilemessages):\n" + "\n".join(stale)
