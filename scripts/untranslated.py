#!/usr/bin/env python3
"""List the messages of a catalogue that have no usable translation yet.

    .venv/bin/python scripts/untranslated.py            # locale/en/LC_MESSAGES/django.po
    .venv/bin/python scripts/untranslated.py --update   # run makemessages first

Prints each message that is untranslated or fuzzy (a fuzzy entry is a guess by msgmerge
from a similar string and is not compiled, so the page would show Vietnamese) as a block
ready to paste back into the .po file once its msgstr is written, then the count. Exits 1
when there is any, so it can gate a merge. After filling them in:

    .venv/bin/python manage.py compilemessages --ignore=.venv
"""

import argparse
import ast
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def missing(self) -> bool:
        return "fuzzy" in self.flags or not all(self.strings.values()) or not self.strings


def entries(text: str) -> list[Entry]:
    """The entries of a .po file, header excluded (enough of the format for our files)."""
    found: list[Entry] = []
    entry, last = Entry(), None

    def close():
        nonlocal entry, last
        if entry.msgid or entry.strings:
            found.append(entry)
        entry, last = Entry(), None

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
        if not line:
            close()
            continue
        if line.startswith("#,"):
            if entry.msgid or entry.strings:
                close()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value, rest = ast.literal_eval(line), None
            keyword = last
        else:
            value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            if entry.msgid or entry.strings:
                close()
            entry.context = (entry.context or "") + value
        elif keyword == "msgid":
            entry.msgid += value
        elif keyword == "msgid_plural":
            entry.plural = (entry.plural or "") + value
        elif keyword == "msgstr":
            entry.strings[0] = entry.strings.get(0, "") + value
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            entry.strings[index] = entry.strings.get(index, "") + value
        last = keyword
    return [e for e in found if e.msgid and not e.obsolete]


def missing(path: Path = CATALOGUE) -> list[Entry]:
    return [e for e in entries(path.read_text(encoding="utf-8")) if e.missing]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def show(entry: Entry) -> str:
    lines = []
    if entry.context is not None:
        lines.append(f"msgctxt {_quoted(entry.context)}")
    lines.append(f"msgid {_quoted(entry.msgid)}")
    if entry.plural is not None:
        lines.append(f"msgid_plural {_quoted(entry.plural)}")
        lines += [f'msgstr[{i}] ""' for i in sorted(entry.strings) or (0, 1)]
    else:
        lines.append('msgstr ""')
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="run makemessages first")
    parser.add_argument("catalogue", nargs="?", type=Path, default=CATALOGUE)
    args = parser.parse_args()
    if args.update:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en", "-l", "vi"]
            + ["--ignore=.venv", "--ignore=var", "--ignore=bench"],
            cwd=ROOT,
            check=True,
        )
    todo = missing(args.catalogue)
    for entry in todo:
        print(show(entry), end="\n\n")
    print(f"{len(todo)} untranslated or fuzzy in {args.catalogue}", file=sys.stderr)
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
