from django import forms
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


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), max_length=150, required=False)
    action = forms.CharField(label=_("Thao tác"), max_length=50, required=False)
    unit = forms.IntegerField(label=_("Đơn vị"), required=False)
