from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# Entries are grouped by the word before the dot of their action ("member.update").
FAMILIES = {
    "auth": _("Đăng nhập, đăng xuất"),
    "role": _("Phân quyền"),
    "token": _("Mã truy cập API"),
    "api": _("API bị tạm khóa"),
    "download": _("Tải tệp có dữ liệu"),
    "export": _("Xuất dữ liệu"),
    "organization": _("Tổ chức"),
    "member": _("Đảng viên"),
    "roster": _("Nhập danh sách đảng viên"),
    "document": _("Văn bản"),
    "obligation": _("Nghĩa vụ ban hành văn bản"),
    "campaign": _("Đợt học tập"),
    "conference": _("Hội nghị"),
    "bridge_point": _("Điểm cầu"),
    "attendance": _("Điểm danh"),
    "makeup": _("Học bù"),
    "report": _("Bài thu hoạch"),
    "news": _("Tin bài"),
    "programme": _("Chương trình hành động"),
    "target": _("Chỉ tiêu"),
    "task": _("Nhiệm vụ"),
    "contribution": _("Liên kết nhiệm vụ"),
    "inspection": _("Kiểm tra, giám sát"),
    "reporting": _("Báo cáo lên cấp trên"),
}


# What was done, by the word after the dot; an action missing here shows its code.
VERBS = {
    "actual": _("ghi số liệu thực hiện"),
    "attach": _("đính kèm tệp"),
    "attachment": _("tệp đính kèm"),
    "attendance_pdf": _("danh sách điểm danh (PDF)"),
    "close": _("kết thúc"),
    "comment": _("nhận xét"),
    "confirm": _("xác nhận"),
    "correct": _("sửa"),
    "create": _("tạo mới"),
    "decision": _("quyết định"),
    "draft": _("dự thảo"),
    "drafted": _("đã dự thảo"),
    "edit": _("sửa"),
    "extend": _("gia hạn"),
    "grant": _("cấp"),
    "guests": _("khách mời"),
    "import": _("nhập từ tệp"),
    "import_create": _("nhập mới từ tệp"),
    "import_update": _("cập nhật từ tệp"),
    "issue": _("ban hành"),
    "leave": _("thôi sinh hoạt"),
    "link": _("liên kết"),
    "list": _("xem danh sách"),
    "lockout": _("tạm khóa"),
    "login": _("đăng nhập"),
    "login_failed": _("đăng nhập sai"),
    "logout": _("đăng xuất"),
    "made_up": _("đã học bù"),
    "mark": _("ghi"),
    "move": _("chuyển"),
    "obligations": _("giao ban hành"),
    "photo": _("ảnh"),
    "progress": _("báo cáo tiến độ"),
    "progress_sheet": _("bảng tiến độ"),
    "publish": _("đăng"),
    "rate": _("đánh giá"),
    "read": _("đọc bài dán"),
    "record": _("ghi nhận"),
    "refresh": _("cập nhật số liệu"),
    "register": _("đăng ký"),
    "remind": _("nhắc nộp"),
    "reminders": _("nhắc việc"),
    "report_file": _("tệp báo cáo"),
    "reports": _("bài thu hoạch"),
    "request": _("yêu cầu báo cáo"),
    "return": _("yêu cầu viết lại"),
    "revoke": _("thu hồi"),
    "roster_xlsx": _("danh sách (XLSX)"),
    "submit": _("nộp"),
    "title": _("sửa tên"),
    "transfer": _("chuyển sinh hoạt"),
    "unlink": _("bỏ liên kết"),
    "update": _("sửa"),
    "urging_letter": _("công văn đôn đốc"),
    "withdraw": _("gỡ"),
}


def action_label(code: str) -> str:
    """ "report.submit" reads "Bài thu hoạch: nộp"; an unknown part stays as its code."""
    family, _dot, verb = code.partition(".")
    if family == "auth" and verb in VERBS:  # "Đăng nhập", not "Đăng nhập, đăng xuất: …"
        return capfirst(VERBS[verb])
    return f"{FAMILIES.get(family, family)}: {VERBS.get(verb, verb)}" if verb else code


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), max_length=150, required=False)
    action = forms.CharField(label=_("Thao tác"), max_length=50, required=False)
    unit = forms.IntegerField(label=_("Đơn vị"), required=False)
