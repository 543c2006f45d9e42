"""A province's report upward as PDF: the body and a statistics appendix of `--rows` units
× 22 columns (the shape of `reporting.exporters._statistics` for a province), set as the
product sets it (`documents.layout.to_pdf`: the body by WeasyPrint, the appendix drawn by
`documents/drawn_pages.py`) and, for comparison, all of it by WeasyPrint.

    .venv/bin/python bench/report_pdf.py [--rows 196] [--runs 3]
"""

import argparse
import datetime as dt
import io
import os
import statistics
import time

from harness import configure, say


def document(rows: int):
    from documents import layout

    P, L = layout.Paragraph, layout.Line
    columns = 20
    headings = (
        "STT",
        "Đơn vị",
        *(f"Chỉ tiêu số {n} (đảng viên, chi bộ, bài thu hoạch)" for n in range(1, columns + 1)),
    )
    table_rows = [
        [
            str(n),
            f"Đảng bộ xã Tân Phước Hưng {n}",
            *(f"{(n * 37 + c) % 9000:,}".replace(",", ".") for c in range(columns)),
        ]
        for n in range(1, rows + 1)
    ]
    table_rows.append(["", "Tổng cộng", *("35.599" for _ in range(columns))])
    each = (layout.WIDE_MM - 8 - 40) / columns
    masthead = layout.Masthead(
        above=(),
        issuer=(L("TỈNH ỦY HẬU GIANG", bold=True),),
        symbol=L("Số 152-BC/TU"),
        subject=(),
        party=L("ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True, underline=True),
        date=(L("Vị Thanh, ngày 02 tháng 12 năm 2026", italic=True),),
    )
    body = [
        P("BÁO CÁO", "title"),
        P("Kết quả học tập, quán triệt Nghị quyết Hội nghị Trung ương 10 khóa XIII", "subject"),
        P("-----", "rule"),
        P("I. KẾT QUẢ THỰC HIỆN", "heading"),
        *(
            P("Toàn Đảng bộ tỉnh có 35.599 đảng viên phải học tập; đã dự 35.301 (99,16%).")
            for _ in range(12)
        ),
    ]
    appendix = [
        P("BIỂU THỐNG KÊ KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC", "title"),
        P("(Kèm theo Báo cáo số 152-BC/TU ngày 02/12/2026 của Tỉnh ủy Hậu Giang)", "period"),
        layout.Table(
            headings=headings,
            rows=table_rows,
            aligns=("center", "left", *("right",) * columns),
            widths_mm=(8, 40, *(each,) * columns),
            size=8,
            bold_last=True,
        ),
    ]
    signature = layout.Signature(
        ("- Ban Tuyên giáo Trung ương,", "- Lưu VP."), ("T/M TỈNH ỦY", "BÍ THƯ")
    )
    return layout.PartyDocument("Báo cáo", masthead, body, signature, appendix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=196)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    configure(os.environ.get("DATABASE_URL") or "sqlite:////tmp/nq_bench_pdf.sqlite3")
    from pypdf import PdfReader

    from documents import layout

    doc = document(args.rows)
    layout.html_to_pdf("<p>.</p>")  # WeasyPrint's import and font set-up, once per process
    say(f"load average before: {os.getloadavg()[0]:.2f}")
    for label, build in (
        ("drawn appendix (product)", lambda: layout.to_pdf(doc)),
        ("all by WeasyPrint", lambda: layout.html_to_pdf(layout.to_html(doc))),
    ):
        times, cpu = [], []
        for _ in range(args.runs):
            start, started = time.perf_counter(), time.process_time()
            data = build()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(
            f"| {label} | {args.rows} × 22 | {statistics.median(times):.2f} s "
            f"| {min(times):.2f} s | {statistics.median(cpu):.2f} s | {pages} "
            f"| {len(data) // 1024} KB |"
        )
    say(f"load average after: {os.getloadavg()[0]:.2f} ({dt.datetime.now():%d/%m/%Y %H:%M})")


if __name__ == "__main__":
    main()
