"""Reads the text of one PDF or DOCX in a process of its own, under limits it puts on
itself before it opens the file: address space, CPU seconds, no file written, no core.

    python -m documents.textreader PATH pdf|docx MAX_PAGES MAX_CHARS MEMORY_MB CPU_SECONDS

Answers one JSON object on stdout, {"text", "pages", "total"} or {"problem"}, through a
pipe (the no-file limit refuses a redirect to a file). It exits with OUT_OF_MEMORY when
the file needs more memory than allowed; the kernel ends it with SIGXCPU (or SIGKILL)
when it has used its CPU seconds. `documents.extraction` runs it and turns each outcome
into a message. It imports nothing from Django, so it starts fast and a hostile file
meets only the readers.
"""

import contextlib
import json
import resource
import sys

MB = 1024 * 1024
OUT_OF_MEMORY = 3
ENCRYPTED, DAMAGED = "encrypted", "damaged"


class Problem(Exception):
    pass


def limit(memory_mb: int, cpu_seconds: int) -> None:
    # SIGXCPU at the soft CPU limit; SIGKILL a second later if it was caught somewhere.
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory_mb * MB, memory_mb * MB),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_FSIZE, 0, 0),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        ceiling = resource.getrlimit(kind)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        # A system without this limit (RLIMIT_AS on macOS) keeps the others and the clock.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (soft, hard))


def read_pdf(path: str, max_pages: int, max_chars: int) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        # An empty owner password is common and harmless; anything else is locked.
        if reader.is_encrypted and not reader.decrypt(""):
            raise Problem(ENCRYPTED)
        total = len(reader.pages)
        parts, size, pages = [], 0, 0
        while pages < min(total, max_pages) and size < max_chars:
            text = reader.pages[pages].extract_text() or ""
            parts.append(text)
            size += len(text) + 1
            pages += 1
    except (Problem, MemoryError):
        raise
    except Exception as error:  # pypdf raises many kinds for damaged or exotic files
        if _ran_out_of_memory(error):
            raise MemoryError from None
        if isinstance(error, PdfReadError | ValueError | KeyError | TypeError | OSError):
            raise Problem(DAMAGED) from None
        locked = "crypt" in type(error).__name__.lower() or "AES" in str(error)
        raise Problem(ENCRYPTED if locked else DAMAGED) from None
    return {"text": "\n".join(parts)[:max_chars], "pages": pages, "total": total}


def _ran_out_of_memory(error: BaseException | None) -> bool:
    """pypdf re-raises a MemoryError as a read error; the cause tells them apart."""
    while error is not None:
        if isinstance(error, MemoryError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _near_memory_limit(memory_mb: int) -> bool:
    """Whether the process came within a tenth of its address-space limit (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration):
        return False
    return int(peak.split()[1]) * 1024 >= 0.9 * memory_mb * MB


def read_docx(path: str, max_chars: int) -> dict:
    import docx

    try:
        document = docx.Document(path)
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
    except MemoryError:
        raise
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors…
        if _ran_out_of_memory(error):
            raise MemoryError from None
        raise Problem(DAMAGED) from None
    text = "\n".join(part for part in parts if part.strip())
    return {"text": text[:max_chars], "pages": 0, "total": 0}


def main(argv: list[str]) -> int:
    path, kind, max_pages, max_chars, memory_mb, cpu_seconds = argv
    limit(int(memory_mb), int(cpu_seconds))
    try:
        if kind == "pdf":
            answer = read_pdf(path, int(max_pages), int(max_chars))
        else:
            answer = read_docx(path, int(max_chars))
    except Problem as problem:
        if str(problem) == DAMAGED and _near_memory_limit(int(memory_mb)):
            return OUT_OF_MEMORY  # a reader failed for want of memory, whatever it said
        answer = {"problem": str(problem)}
    except MemoryError:
        return OUT_OF_MEMORY
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except MemoryError:  # while importing a reader, or writing the answer
        sys.exit(OUT_OF_MEMORY)
