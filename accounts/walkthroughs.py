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
    Walkthrough("Quản trị hệ thống", "admin", "mở bảng vai trò và quyền", 1),
    Walkthrough(
        "Văn phòng Thành ủy", "vanphong", "lập kế hoạch kiểm tra, chọn đơn vị bằng cách gõ tên", 4
    ),
    Walkthrough("Tuyên giáo Thành ủy", "tuyengiao", "mở đợt học tập của mình", 2),
    Walkthrough("Kiểm tra Thành ủy", "kiemtra", "mở nhiệm vụ quá hạn trong phạm vi", 1),
    Walkthrough("Cấp ủy đảng bộ phường", "bithu", "mở bài thu hoạch chờ chấm", 1),
    Walkthrough("Văn phòng đảng ủy phường", "vanphong_co_so", "điểm danh một đảng viên", 3),
    Walkthrough("Bí thư chi bộ", "bithu_chibo", "điểm danh một đảng viên của chi bộ", 3),
    Walkthrough("Người chấm bài", "chambai", "mở bài thu hoạch chờ chấm", 1),
    Walkthrough(
        "Đảng viên (điện thoại 375 px)", "dangvien", "xem việc được giao ngay khi đăng nhập", 0
    ),
]
