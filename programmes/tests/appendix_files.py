"""Appendix workbooks typed the way offices type them, and the programme they belong to."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from conftest import add_unit
from documents import services as documents
from documents.models import Kind
from programmes import services

HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Sản phẩm",
    "Thời gian hoàn thành",
]
ISSUED_ON = dt.date(2025, 1, 10)


def boards_add(world) -> None:
    """The committee's boards, which lead most tasks of a city programme."""
    world.propaganda_board = add_unit(
        world.city, "Ban Tuyên giáo và Dân vận Thành ủy", "HNA-BTGDV", "CBCS"
    )
    world.office = add_unit(world.city, "Văn phòng Thành ủy", "HNA-VP", "CBCS")
    world.organising_board = add_unit(world.city, "Ban Tổ chức Thành ủy", "HNA-BTC", "CBCS")


def programme_make(world, symbol="32-CTr/TU", **settings):
    document = documents.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw=symbol,
        kind=Kind.PROGRAMME,
        issuer_name="Thành ủy Hà Nam",
        issued_on=ISSUED_ON,
        term=20,
        title="Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW",
    )
    return services.programme_create(world.clerk, document, **settings)


def workbook(rows: list[list], merges: tuple[str, ...] = (), before: list[list] = ()) -> bytes:
    """One sheet of `rows`, then `merges` ("C9:C11"); a first sheet of `before` if given."""
    book = Workbook()
    sheet = book.active
    if before:
        sheet.title = "Chỉ tiêu"
        for row in before:
            sheet.append(row)
        sheet = book.create_sheet("Phụ lục")
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)  # openpyxl drops the covered values, as Excel does
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "phu-luc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def realistic() -> bytes:
    """An appendix as a city office sends it: titles, a numbering row, section headings
    merged across the table, a lead unit and a deadline merged down over several tasks,
    every way of writing a deadline, blank rows and a footnote."""
    rows = [
        ["THÀNH ỦY HÀ NAM"],  # 1
        ["PHỤ LỤC"],  # 2
        ["PHÂN CÔNG NHIỆM VỤ THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 32-CTr/TU"],  # 3
        ["(Kèm theo Chương trình hành động số 32-CTr/TU ngày 10/01/2025 của Thành ủy)"],  # 4
        [],  # 5
        HEADER,  # 6
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],  # 7
        ["I. NHIỆM VỤ CHUNG"],  # 8
        [
            1,
            "Tuyên truyền, quán triệt Nghị quyết số 57-NQ/TW",
            "Ban Tuyên giáo và Dân vận Thành ủy",
            "Văn phòng Thành ủy; Đảng bộ phường Lam Hạ",
            "Kế hoạch tuyên truyền",
            "30/06/2025",
        ],  # 9
        [2, "Biên soạn tài liệu hỏi - đáp về Nghị quyết", None, None, "Tài liệu", "Tháng 5/2025"],
        [
            3,
            "Tổ chức cuộc thi tìm hiểu về chuyển đổi số",
            None,
            "Các sở, ban, ngành liên quan",
            "Cuộc thi",
            "Quý III/2025",
        ],  # 11
        [],  # 12
        ["II", "NHIỆM VỤ CỤ THỂ"],  # 13
        [
            4,
            "Xây dựng đề án chuyển đổi số phường",
            "Đảng bộ phường Lam Hạ",
            "Chi bộ khu phố 1, Chi bộ khu phố 2",
            "Đề án",
            "Quý 2 năm 2025",
        ],  # 14
        [5, "Số hóa hồ sơ đảng viên", "Đảng bộ xã Tiên Tân", None, "Cơ sở dữ liệu", "Năm 2025"],
        [6, "Theo dõi, đôn đốc thực hiện", "Văn phòng Thành ủy", None, None, "Thường xuyên"],
        [7, "Sơ kết việc thực hiện", "Ban Tổ chức Thành ủy", None, "Báo cáo", "Hằng năm"],
        [8, "Báo cáo tiến độ", "Đảng bộ xã Tiên Tân", None, "Báo cáo", "Hằng quý"],
        [9, "Lắp đặt điểm truy cập", "Chi bộ thôn Đồng Ao", None, None, dt.datetime(2025, 10, 15)],
        [10, "Tập huấn kỹ năng số cho cán bộ", "Ban Tổ chức Thành ủy", None, None, "31/12/2025"],
        [11, "Tập huấn kỹ năng số cho đảng viên", "Đảng bộ phường Lam Hạ", None, None, None],
        [],  # 22
        ["Ghi chú: các cơ quan chủ trì báo cáo kết quả về Văn phòng Thành ủy."],  # 23
        ["Nội dung không phải nhiệm vụ", "Sở Ngoại vụ"],  # 24: under the footnote, not read
    ]
    merges = (
        "A1:C1",
        "A2:F2",
        "A3:F3",
        "A4:F4",
        "A8:F8",
        "C9:C11",  # one lead for three tasks
        "B13:F13",
        "F20:F21",  # one deadline for two tasks
        "A23:F23",
    )
    return workbook(rows, merges)
