"""A Party document's landscape appendix drawn straight into PDF.

WeasyPrint takes every table cell through its whole CSS pipeline (about 1,6 ms a cell,
measured), so a province's statistics appendix (two hundred units × twenty-two columns)
took seven seconds. Here the same pages are set with the font's own advance widths and
written with pydyf, WeasyPrint's own PDF writer: the same landscape page and margins,
column widths, sizes and alignment, 0,5 pt rules, the heading row repeated on every page,
no row split across pages, the page number on top. `layout.to_pdf` appends them to the
body WeasyPrint made, numbered on from it.

Text is embedded as a subset of Liberation Serif (the metrics of Times New Roman) with a
ToUnicode map, so the figures can be searched and copied out of the PDF.
"""

import io
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pydyf

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # one line per table

PT_PER_MM = 72 / 25.4
PAGE = (297 * PT_PER_MM, 210 * PT_PER_MM)  # A4 landscape
MARGINS = {"top": 20, "right": 15, "bottom": 15, "left": 20}  # as `@page wide`
PAD = (0.6 * PT_PER_MM, 1 * PT_PER_MM)  # a cell's padding: vertical, horizontal
LEADING = 1.2
RULE = 0.5
NUMBER_PT = 13
STYLE_NAMES = {
    (False, False): "Regular",
    (True, False): "Bold",
    (False, True): "Italic",
    (True, True): "BoldItalic",
}


def font_path(bold: bool, italic: bool, folders) -> Path | None:
    for folder in folders:
        path = Path(folder) / f"LiberationSerif-{STYLE_NAMES[(bold, italic)]}.ttf"
        if path.exists():
            return path
    return None


class Font:
    """One face of Liberation Serif: widths, glyphs, and the glyphs this PDF used."""

    def __init__(self, path: Path, resource: str, style: tuple[bool, bool]):
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        self.path, self.resource, self.style = path, resource, style
        self.font = TTFont(path, lazy=True)
        self.per_em = self.font["head"].unitsPerEm
        self.ascent = self.font["hhea"].ascent / self.per_em
        self.descent = -self.font["hhea"].descent / self.per_em
        cmap = self.font.getBestCmap()
        metrics = self.font["hmtx"].metrics
        self.glyph = {cp: self.font.getGlyphID(name) for cp, name in cmap.items()}
        self.advance = {cp: metrics[name][0] for cp, name in cmap.items()}
        self.used: dict[int, str] = {}  # glyph id → the text it stands for
        self._units: dict[str, int] = {}  # widths met so far: figures repeat
        self._encoded: dict[str, str] = {}

    def _code(self, ch: str) -> int:
        cp = ord(ch)
        if cp not in self.glyph:  # a glyph the font lacks is drawn as its base letter
            cp = ord(unicodedata.normalize("NFD", ch)[0])
        return cp if cp in self.glyph else ord("?")

    def width(self, text: str, size: float) -> float:
        units = self._units.get(text)
        if units is None:
            units = self._units[text] = sum(self.advance[self._code(ch)] for ch in text)
        return units / self.per_em * size

    def encoded(self, text: str) -> str:
        """The text as a hex string of glyph ids (Identity-H)."""
        found = self._encoded.get(text)
        if found is None:
            ids = []
            for ch in text:
                gid = self.glyph[self._code(ch)]
                self.used.setdefault(gid, ch)
                ids.append(f"{gid:04x}")
            found = self._encoded[text] = "<" + "".join(ids) + ">"
        return found

    def embed(self, pdf: pydyf.PDF) -> pydyf.Dictionary:
        """The font's objects (a subset keeping glyph ids) added to `pdf`."""
        from fontTools import subset

        options = subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.name_IDs = ["*"]
        # Glyphs are placed by id with their own advances: no shaping tables, no hints.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted({0, *self.used}))
        font = subset.load_font(self.path, options, lazy=True)
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
        data = out.getvalue()
        file = pydyf.Stream([data], {"Length1": len(data)}, compress=True)
        pdf.add_object(file)
        base = "/NQAAAA+LiberationSerif-" + STYLE_NAMES[self.style]
        scale = 1000 / self.per_em
        bbox = self.font["head"]
        descriptor = pydyf.Dictionary(
            {
                "Type": "/FontDescriptor",
                "FontName": base,
                "Flags": 6,  # serif, symbolic (glyphs addressed by id)
                "FontBBox": pydyf.Array(
                    [round(v * scale) for v in (bbox.xMin, bbox.yMin, bbox.xMax, bbox.yMax)]
                ),
                "ItalicAngle": -12 if self.style[1] else 0,
                "Ascent": round(self.ascent * 1000),
                "Descent": round(-self.descent * 1000),
                "CapHeight": 662,
                "StemV": 80,
                "FontFile2": file.reference,
            }
        )
        pdf.add_object(descriptor)
        metrics = self.font["hmtx"].metrics
        order = self.font.getGlyphOrder()
        widths = pydyf.Array()
        for gid in sorted(self.used):
            widths.extend([gid, pydyf.Array([round(metrics[order[gid]][0] * scale)])])
        cid = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/CIDFontType2",
                "BaseFont": base,
                "CIDSystemInfo": pydyf.Dictionary(
                    {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity")}
                ),
                "FontDescriptor": descriptor.reference,
                "W": widths,
                "CIDToGIDMap": "/Identity",
            }
        )
        pdf.add_object(cid)
        to_unicode = pydyf.Stream([_cmap(self.used)], compress=True)
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/Type0",
                "BaseFont": base,
                "Encoding": "/Identity-H",
                "DescendantFonts": pydyf.Array([cid.reference]),
                "ToUnicode": to_unicode.reference,
            }
        )
        pdf.add_object(font)
        return font


def _cmap(used: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    pairs = sorted(used.items())
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for gid, text in chunk:
            lines.append(f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


@dataclass
class _Page:
    stream: pydyf.Stream = field(default_factory=pydyf.Stream)


class Drawing:
    """Landscape pages being drawn, top to bottom."""

    def __init__(self, folders, first_number: int):
        self.folders, self.number = folders, first_number
        self.fonts: dict[tuple[bool, bool], Font] = {}
        self.pages: list[_Page] = []
        self.top = PAGE[1] - MARGINS["top"] * PT_PER_MM
        self.bottom = MARGINS["bottom"] * PT_PER_MM
        self.left = MARGINS["left"] * PT_PER_MM
        self.width = PAGE[0] - (MARGINS["left"] + MARGINS["right"]) * PT_PER_MM
        self.y = self.bottom  # no page yet: the first block opens one

    def font(self, bold: bool = False, italic: bool = False) -> Font:
        if (bold, italic) not in self.fonts:
            path = font_path(bold, italic, self.folders)
            if path is None:
                raise FileNotFoundError(STYLE_NAMES[(bold, italic)])
            self.fonts[(bold, italic)] = Font(path, f"F{len(self.fonts) + 1}", (bold, italic))
        return self.fonts[(bold, italic)]

    def new_page(self) -> None:
        page = _Page()
        self.pages.append(page)
        self.y = self.top
        number = str(self.number + len(self.pages) - 1)
        font = self.font()
        x = (PAGE[0] - font.width(number, NUMBER_PT)) / 2
        self.text(number, x, PAGE[1] - 10 * PT_PER_MM - NUMBER_PT * 0.35, font, NUMBER_PT)

    @property
    def stream(self) -> pydyf.Stream:
        return self.pages[-1].stream

    def text(self, text: str, x: float, baseline: float, font: Font, size: float) -> None:
        if text:  # the operators written out: thousands of cells go through here
            self.stream.stream.append(
                f"BT /{font.resource} {size:g} Tf 1 0 0 1 {x:.2f} {baseline:.2f} Tm "
                f"{font.encoded(text)} Tj ET"
            )

    def room(self, height: float) -> bool:
        return self.pages and self.y - height >= self.bottom

    # --- blocks ---------------------------------------------------------------------------

    def paragraph(self, text, size, bold, italic, align, before) -> None:
        font = self.font(bold, italic)
        lines = wrap(text, font, size, self.width)
        height = before + len(lines) * size * LEADING
        if not self.room(height):
            self.new_page()
        else:
            self.y -= before
        for line in lines:
            self.y -= size * LEADING
            x = self.left + _offset(align, font.width(line, size), self.width)
            self.text(line, x, self.y + _below_baseline(font, size), font, size)

    def table(self, block) -> None:
        widths = [w * PT_PER_MM for w in block.widths_mm] if block.widths_mm else None
        if widths is None:
            widths = [self.width / len(block.headings)] * len(block.headings)
        size = block.size
        heading = self._row(block.headings, ["center"] * len(widths), widths, size, bold=True)
        rows = [
            self._row(
                row, block.aligns, widths, size, bold=block.bold_last and n == len(block.rows)
            )
            for n, row in enumerate(block.rows, 1)
        ]
        self.y -= 3 * PT_PER_MM  # `margin-top: 3mm`
        if not self.room(heading.height + (rows[0].height if rows else 0)):
            self.new_page()
        self._draw(heading, widths)
        for row in rows:
            if not self.room(row.height):
                self.new_page()
                self._draw(heading, widths)
            self._draw(row, widths)

    def _row(self, cells, aligns, widths, size, bold) -> "_Row":
        font = self.font(bold=bold)
        # Half of each collapsed rule lies inside the cell, as in the HTML.
        wrapped = [
            wrap(text, font, size, w - 2 * PAD[1] - RULE)
            for text, w in zip(cells, widths, strict=True)
        ]
        lines = max((len(c) for c in wrapped), default=1) or 1
        return _Row(wrapped, list(aligns), font, size, lines * size * LEADING + 2 * PAD[0])

    def _draw(self, row: "_Row", widths) -> None:
        top, x = self.y, self.left
        stream = self.stream
        stream.set_line_width(RULE)
        for cell, align, width in zip(row.cells, row.aligns, widths, strict=True):
            stream.stream.append(f"{x:.2f} {top - row.height:.2f} {width:.2f} {row.height:.2f} re")
            baseline = top - PAD[0]
            for line in cell:
                baseline -= row.size * LEADING
                inner = width - 2 * PAD[1]
                offset = _offset(align, row.font.width(line, row.size), inner)
                self.text(
                    line,
                    x + PAD[1] + offset,
                    baseline + _below_baseline(row.font, row.size),
                    row.font,
                    row.size,
                )
            x += width
        stream.stroke()
        self.y = top - row.height

    # --- writing ----------------------------------------------------------------------------

    def pdf(self) -> bytes:
        pdf = pydyf.PDF()
        fonts = pydyf.Dictionary({f.resource: f.embed(pdf).reference for f in self.fonts.values()})
        resources = pydyf.Dictionary({"Font": fonts})
        pdf.add_object(resources)
        for page in self.pages:
            page.stream.compress = True
            pdf.add_object(page.stream)
            pdf.add_page(
                pydyf.Dictionary(
                    {
                        "Type": "/Page",
                        "Parent": pdf.pages.reference,
                        "MediaBox": pydyf.Array([0, 0, round(PAGE[0], 2), round(PAGE[1], 2)]),
                        "Contents": page.stream.reference,
                        "Resources": resources.reference,
                    }
                )
            )
        out = io.BytesIO()
        pdf.write(out, compress=True)
        return out.getvalue()


@dataclass
class _Row:
    cells: list[list[str]]
    aligns: list[str]
    font: Font
    size: float
    height: float


def _offset(align: str, used: float, room: float) -> float:
    if align == "center":
        return (room - used) / 2
    if align == "right":
        return room - used
    return 0.0


def _below_baseline(font: Font, size: float) -> float:
    """How far the baseline sits above the bottom of its line box."""
    half_leading = (LEADING - font.ascent - font.descent) / 2
    return (half_leading + font.descent) * size


def wrap(text: str, font: Font, size: float, room: float) -> list[str]:
    """`text` broken into lines no wider than `room` at word boundaries (a word too long
    for a line is broken between letters)."""
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if font.width(candidate, size) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            # As in the HTML, a word overflows its line rather than being broken, unless
            # it would run out of its cell (padding included) into the next.
            while font.width(word, size) > room + 2 * PAD[1] and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and font.width(word[:cut], size) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def appendix_pdf(blocks, styles, folders, first_number: int) -> bytes:
    """The appendix `blocks` (layout.Paragraph and layout.Table) as landscape pages
    numbered from `first_number`. Raises FileNotFoundError without the font files."""
    drawing = Drawing(folders, first_number)
    drawing.new_page()
    for block in blocks:
        if block.kind == "table":
            drawing.table(block)
        else:
            size, bold, italic, align, _indent, before = styles[block.style]
            drawing.paragraph(block.text, size, bold, italic, align, before)
    return drawing.pdf()
