"""The inspection plan (Kế hoạch kiểm tra) as a DOCX draft in the Party layout: the
masthead and number of a KH, the title, purpose and requirements, what is inspected,
which units, when, how, and the signature block (`documents.layout`). The number and the
signer are written in Word when the plan is registered and signed."""

from django.utils import translation
from django.utils.translation import gettext as _

from documents import layout
from documents.citations import cite
from programmes.models import Inspection
from vn.formats import format_date


@translation.override("vi")
def inspection_plan_document(inspection: Inspection, day) -> layout.PartyDocument:
    unit = inspection.organization
    units = list(inspection.units.order_by("path"))
    P = layout.Paragraph
    kind = inspection.get_kind_display().lower()
    subject = inspection.subject
    body = [
        P(_("KẾ HOẠCH"), "title"),
        P(subject, "subject"),
        P("-----", "rule"),
    ]
    if inspection.document is not None:
        body.append(
            P(
                _("Thực hiện %(document)s, %(committee)s xây dựng kế hoạch %(kind)s như sau:")
                % {
                    "document": cite(inspection.document, subject=unit.name, titled=True),
                    "committee": layout.committee_name(unit),
                    "kind": kind,
                }
            )
        )
    body += [
        P(_("I. MỤC ĐÍCH, YÊU CẦU"), "heading"),
        P(
            _(
                "Đánh giá đúng kết quả, hạn chế trong việc thực hiện; kịp thời chấn chỉnh, "
                "khắc phục hạn chế, thiếu sót. Việc %(kind)s bảo đảm đúng nguyên tắc, "
                "khách quan, không gây khó khăn cho đơn vị được %(kind)s."
            )
            % {"kind": kind}
        ),
        P(_("II. NỘI DUNG, ĐỐI TƯỢNG, THỜI GIAN"), "heading"),
        P(_("1. Nội dung: %(subject)s.") % {"subject": subject.rstrip(".")}),
        P(_("2. Đối tượng: %(units)s.") % {"units": "; ".join(u.name for u in units)}),
        P(
            _("3. Thời gian: từ ngày %(start)s đến ngày %(end)s.")
            % {
                "start": format_date(inspection.period_from),
                "end": format_date(inspection.period_to),
            }
        ),
        P(_("III. PHƯƠNG PHÁP TIẾN HÀNH"), "heading"),
        P(
            _(
                "Đơn vị được %(kind)s tự kiểm tra và báo cáo bằng văn bản trước khi đoàn "
                "làm việc; đoàn nghe báo cáo, kiểm tra hồ sơ, tài liệu và kết luận."
            )
            % {"kind": kind}
        ),
        P(_("IV. TỔ CHỨC THỰC HIỆN"), "heading"),
        P(
            _(
                "Văn phòng giúp %(committee)s theo dõi, đôn đốc thực hiện kế hoạch; đơn vị "
                "được %(kind)s chuẩn bị báo cáo, hồ sơ và bố trí thành phần làm việc."
            )
            % {"committee": layout.committee_name(unit), "kind": kind}
        ),
    ]
    return layout.PartyDocument(
        title=_("Kế hoạch kiểm tra"),
        masthead=layout.masthead_for(
            unit, layout.place_of(unit), day, layout.number_line("", "KH", unit)
        ),
        body=body,
        signature=layout.Signature(
            recipients=(*(f"- {u.name}," for u in units), _("- Lưu VP.")),
            roles=layout.signature_roles(unit),
            hint=_("(Ký, ghi rõ họ tên)"),
        ),
    )


def inspection_plan(inspection: Inspection, day) -> bytes:
    return layout.to_docx(inspection_plan_document(inspection, day))
