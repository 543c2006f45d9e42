"""The office drafts the committee's inspection plan; it downloads as a DOCX in the Party
layout (the masthead of a KH, the title, the units and dates); nobody outside sees it."""

import datetime as dt
import io

import docx
import pytest

from programmes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    return services.inspection_create(
        world.ward_clerk,
        organization=world.ward,
        units=[world.cell, world.cell2],
        subject="Kiểm tra việc học tập, quán triệt Nghị quyết 23-NQ/TU",
        period_from=dt.date(2026, 12, 7),
        period_to=dt.date(2026, 12, 11),
    )


def _text(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def test_the_ward_office_plans_an_inspection_from_the_page(world, client):
    client.force_login(world.ward_clerk)
    response = client.post(
        "/programmes/inspections/",
        {
            "organization": world.ward.pk,
            "kind": "inspection",
            "units": [world.cell.pk],
            "subject": "Kiểm tra việc ghi điểm danh",
            "period_from": "07/12/2026",
            "period_to": "11/12/2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors


def test_the_plan_is_a_party_layout_docx(world, client, planned):
    client.force_login(world.ward_clerk)
    response = client.get(f"/programmes/inspections/{planned.pk}/plan.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('ke-hoach-kiem-tra.docx"')
    plan = docx.Document(io.BytesIO(response.content))
    left, right = plan.tables[0].rows[0].cells
    head = [p.text for p in left.paragraphs if p.text]
    assert head[:2] == ["ĐẢNG BỘ THÀNH PHỐ HÀ NAM", "ĐẢNG ỦY PHƯỜNG LAM HẠ"]
    assert any(line.startswith("Số") and line.endswith("-KH/ĐU") for line in head)
    assert [p.text for p in right.paragraphs if p.text][0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    text = _text(plan)
    assert "KẾ HOẠCH" in text
    assert "Kiểm tra việc học tập, quán triệt Nghị quyết 23-NQ/TU" in text
    assert "2. Đối tượng: Chi bộ khu phố 1; Chi bộ khu phố 2." in text
    assert "3. Thời gian: từ ngày 07/12/2026 đến ngày 11/12/2026." in text


def test_another_province_cannot_download_the_plan(world, client, planned):
    client.force_login(world.outsider)
    assert client.get(f"/programmes/inspections/{planned.pk}/plan.docx").status_code == 404
    client.force_login(world.member_user)
    assert client.get(f"/programmes/inspections/{planned.pk}/plan.docx").status_code == 404
