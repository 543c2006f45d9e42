"""Each role's most common task, as its browser test walks it (accounts/tests/
test_browser_roles.py counts the clicks and fails if they differ from the count here)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Walkthrough:
    role: str
    username: str
    task: str
    clicks: int


WALKTHROUGHS = [
    Walkthrough(
        "Quản trị hệ thống",
        "admin",
        "cấp vai trò Văn phòng cho một đảng viên tại đảng bộ phường, tìm đơn vị và người theo tên",
        6,
    ),
    Walkthrough(
        "Văn phòng Thành ủy", "vanphong", "lập kế hoạch kiểm tra, chọn đơn vị bằng cách gõ tên", 4
    ),
    Walkthrough(
        "Tuyên giáo Thành ủy",
        "tuyengiao",
        "mở đợt học tập mới về một văn bản đã đăng ký (tên, văn bản, hạn hội nghị)",
        4,
    ),
    Walkthrough(
        "Kiểm tra Thành ủy",
        "kiemtra",
        "lập kế hoạch kiểm tra một nhiệm vụ quá hạn từ trang nhiệm vụ",
        3,
    ),
    Walkthrough("Cấp ủy đảng bộ phường", "bithu", "chấm một bài thu hoạch đang chờ", 3),
    Walkthrough("Văn phòng đảng ủy phường", "vanphong_co_so", "điểm danh một đảng viên", 3),
    Walkthrough("Bí thư chi bộ", "bithu_chibo", "điểm danh một đảng viên của chi bộ", 3),
    Walkthrough("Người chấm bài", "chambai", "chấm một bài thu hoạch rồi sang bài tiếp theo", 3),
    Walkthrough(
        "Đảng viên (điện thoại 375 px)",
        "dangvien",
        "viết và nộp bài thu hoạch ngay trên trang đầu, nhận mã biên nhận",
        1,
    ),
]
