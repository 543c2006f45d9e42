"""An id past the 64-bit range names no row: a choice error on a form, 404 in an address.

SQLite's driver raises OverflowError for such a number, which Django turns into no rows
only for `pk=` lookups; multi-selects (`pk__in`) and foreign keys (`report_id=`) reached
the driver.
"""

import datetime as dt

import pytest

from campaigns.models import Campaign
from documents.models import Document, Obligation
from reports.models import Report

PAST_64_BITS = 2**64


@pytest.fixture
def plan(world):
    return Document.objects.create(
        kind="nghi_quyet",
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2025, 1, 2),
        term=20,
        title="Về chuyển đổi số",
        owner=world.city,
    )


def test_a_multi_select_with_an_id_past_64_bits_is_a_choice_error(world, client, plan):
    client.force_login(world.clerk)
    response = client.post(
        f"/documents/{plan.pk}/obligations/",
        {"units": [world.ward.pk, PAST_64_BITS], "due_on": "30/06/2026"},
    )
    assert response.status_code == 200
    assert f"{PAST_64_BITS} không phải là một trong các lựa chọn" in response.content.decode()
    assert not Obligation.objects.exists()


def test_a_model_forms_many_to_many_choice_past_64_bits_is_a_choice_error(world, client, plan):
    client.force_login(world.propaganda)
    response = client.post(
        "/campaigns/new/",
        {
            "title": "Học tập Nghị quyết",
            "owner": world.city.pk,
            "documents": [plan.pk, PAST_64_BITS],
            "conference_deadline": "30/06/2026",
            "report_days": 7,
            "makeup_days": 7,
        },
    )
    assert response.status_code == 200
    assert f"{PAST_64_BITS} không phải là một trong các lựa chọn" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_compared_report_past_64_bits_is_not_found(world, client, campaign):
    report = Report.objects.create(campaign=campaign, member=world.an, organization=world.cell)
    client.force_login(world.admin)
    assert client.get(f"/reports/{report.pk}/compare/{PAST_64_BITS}/").status_code == 404
