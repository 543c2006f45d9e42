import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from audit.models import AuditEntry
from reports import copies, services
from reports.models import Decision, Pair, RatingTally, Report, ReportTally, State, Version
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def tally(campaign, unit):
    row = ReportTally.objects.filter(campaign=campaign, organization=unit).first()
    return (
        {
            f: getattr(row, f)
            for f in ("submitted", "on_time", "late", "returned", "rated", "flagged")
        }
        if row
        else {}
    )


def test_member_submits_and_gets_a_receipt_counted_once(world, campaign):
    receipt = submit(world, campaign, world.an, key="abc")
    again = submit(world, campaign, world.an, key="abc")
    assert not receipt.repeated and again.repeated
    assert again.version.pk == receipt.version.pk
    assert Version.objects.count() == 1
    assert tally(campaign, world.cell)["submitted"] == 1
    assert receipt.version.entered_by == world.member_user and not receipt.version.on_behalf


def test_secretary_enters_for_a_member_without_a_phone_and_the_record_says_so(world, campaign):
    receipt = submit(world, campaign, world.binh, actor=world.secretary)
    assert receipt.version.on_behalf and receipt.version.entered_by == world.secretary
    assert AuditEntry.objects.filter(action="report.submit", actor=world.secretary).exists()


def test_a_member_cannot_submit_for_someone_else(world, campaign):
    with pytest.raises(ValidationError, match="thay đồng chí"):
        submit(world, campaign, world.binh, actor=world.member_user)
    assert not Report.objects.exists()


def test_outsider_cannot_enter_reports(world, campaign):
    with pytest.raises(ValidationError):
        submit(world, campaign, world.binh, actor=world.outsider)


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (["   ", "nội dung"], "Nội dung 1 đang để trống"),
        (["\x00\x01\u200b", "nội dung"], "Nội dung 1 đang để trống"),
        (["a" * 5_000_000, "nội dung"], "tối đa 50.000 ký tự"),
        (["chỉ một phần"], "đúng 2 phần"),
    ],
)
def test_bad_sections_are_refused_with_the_reason(world, campaign, sections, message):
    with pytest.raises(ValidationError, match=message):
        submit(world, campaign, world.an, sections)
    assert not Version.objects.exists()


def test_pasted_html_and_control_characters_become_plain_text(world, campaign):
    pasted = "<p>Đoạn <b>một</b> &amp; hai</p><script>alert(1)</script>\x07<div>Đoạn ba</div>"
    receipt = submit(world, campaign, world.an, [pasted, "Trách nhiệm"])
    text = receipt.version.sections[0]
    assert "<" not in text and "\x07" not in text
    assert "Đoạn một & hai" in text and "Đoạn ba" in text


def test_late_after_the_due_date_and_closed_after_the_cutoff(world, campaign):
    campaign.conference_deadline = TODAY() - dt.timedelta(days=20)
    campaign.report_days = 7
    campaign.save()
    late = submit(world, campaign, world.an)
    assert late.version.late and late.report.late
    assert tally(campaign, world.cell)["late"] == 1
    campaign.report_cutoff = TODAY() - dt.timedelta(days=1)
    campaign.save()
    with pytest.raises(services.SubmitRefused, match="hết hạn nhận bài"):
        submit(world, campaign, world.binh, actor=world.secretary)


def test_extension_for_a_unit_reopens_and_makes_on_time(world, campaign):
    campaign.conference_deadline = TODAY() - dt.timedelta(days=20)
    campaign.report_cutoff = TODAY() - dt.timedelta(days=2)
    campaign.save()
    with pytest.raises(ValidationError, match="lý do"):
        services.extension_grant(
            world.secretary,
            campaign,
            due=TODAY() + dt.timedelta(days=3),
            reason=" ",
            unit=world.cell,
        )
    services.extension_grant(
        world.secretary,
        campaign,
        due=TODAY() + dt.timedelta(days=3),
        reason="Mùa lũ",
        unit=world.cell,
    )
    deadline = services.deadline_for(campaign, world.an)
    assert deadline.extended == "Mùa lũ" and deadline.is_open(TODAY())
    assert not submit(world, campaign, world.an).version.late
    with pytest.raises(ValidationError):
        services.extension_grant(world.outsider, campaign, due=TODAY(), reason="x", unit=world.cell)


def test_review_rate_return_resubmit_keeps_every_version(world, campaign):
    first = submit(world, campaign, world.an, key="v1").report
    with pytest.raises(ValidationError):
        services.review(world.secretary, first, Decision.RATE, rating="Xuất sắc")
    with pytest.raises(ValidationError):
        services.review(world.secretary, first, Decision.RETURN, comment="", new_due=TODAY())
    services.review(
        world.secretary,
        first,
        Decision.RETURN,
        comment="Cần liên hệ trách nhiệm bản thân",
        new_due=TODAY() + dt.timedelta(days=5),
    )
    first.refresh_from_db()
    assert first.state == State.RETURNED and tally(campaign, world.cell)["returned"] == 1
    second = submit(world, campaign, world.an, [essay(50), essay(51)], key="v2")
    assert second.version.number == 2 and second.report.state == State.SUBMITTED
    services.review(world.secretary, second.report, Decision.RATE, rating="Đạt")
    assert tally(campaign, world.cell) | {} == {
        "submitted": 1,
        "on_time": 1,
        "late": 0,
        "returned": 0,
        "rated": 1,
        "flagged": 0,
    }
    assert RatingTally.objects.get(organization=world.cell, rating="Đạt").count == 1
    assert list(Version.objects.values_list("number", flat=True)) == [1, 2]
    with pytest.raises(services.SubmitRefused, match="đã được đánh giá"):
        submit(world, campaign, world.an, key="v3")


def test_reviewer_outside_the_subtree_cannot_rate(world, campaign):
    report = submit(world, campaign, world.an).report
    reviewer = User.objects.create_user("cham_ngoai", password="pw")
    RoleGrant.objects.create(user=reviewer, organization=world.commune, role=Role.REVIEWER)
    with pytest.raises(ValidationError, match="không được đánh giá"):
        services.review(reviewer, report, Decision.RATE, rating="Đạt")
    RoleGrant.objects.create(user=reviewer, organization=world.cell, role=Role.REVIEWER)
    reviewer = User.objects.get(pk=reviewer.pk)
    services.review(reviewer, report, Decision.RATE, rating="Đạt")


def test_level_above_confirms_and_then_results_are_final(world, campaign):
    report = submit(world, campaign, world.an).report
    with pytest.raises(ValidationError, match="cấp trên"):
        services.confirm(world.member_user, campaign, world.cell)
    with pytest.raises(ValidationError, match="chưa được đánh giá"):
        services.confirm(world.secretary, campaign, world.cell)
    services.review(world.secretary, report, Decision.RATE, rating="Đạt")
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    with pytest.raises(ValidationError, match="xác nhận"):
        services.review(world.secretary, report, Decision.RATE, rating="Không đạt")
    with pytest.raises(ValidationError, match="đã được xác nhận"):
        services.confirm(world.secretary, campaign, world.cell, close_pending=True)


def test_copies_are_found_across_the_country_and_paired_once(world, campaign):
    text = [essay(100, 400), essay(101, 300)]
    submit(world, campaign, world.an, text)
    copied = [text[0][:-40] + " thêm vài chữ cho khác", text[1]]
    receipt = submit(world, campaign, world.cuong, copied, actor=world.admin)
    pair = Pair.objects.get()
    assert {pair.a_id, pair.b_id} == {receipt.report.pk, Report.objects.get(member=world.an).pk}
    assert pair.jaccard > 0.9
    assert Report.objects.filter(flagged=True).count() == 2
    assert tally(campaign, world.cell)["flagged"] == 1
    assert tally(campaign, world.commune_cell)["flagged"] == 1


def test_campaign_prompts_do_not_make_reports_alike(world, campaign):
    prompts = campaign.prompts
    submit(
        world,
        campaign,
        world.an,
        [prompts[0] + " " + essay(1, 30), prompts[1] + " " + essay(2, 30)],
    )
    submit(
        world,
        campaign,
        world.binh,
        [prompts[0] + " " + essay(3, 30), prompts[1] + " " + essay(4, 30)],
        actor=world.secretary,
    )
    assert not Pair.objects.exists()


def test_rewrite_replaces_the_fingerprint_and_clears_old_pairs(world, campaign):
    text = [essay(100, 400), essay(101, 300)]
    submit(world, campaign, world.an, text, key="one")
    other = submit(world, campaign, world.binh, text, actor=world.secretary).report
    assert Pair.objects.count() == 1
    services.review(world.secretary, other, Decision.RETURN, comment="Tự viết lại", new_due=TODAY())
    submit(
        world,
        campaign,
        world.binh,
        [essay(7, 300), essay(8, 300)],
        actor=world.secretary,
        key="two",
    )
    assert not Pair.objects.exists()
    assert not Report.objects.filter(flagged=True).exists()
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_rebuilds_reproduce_pairs_and_counters(world, campaign):
    base = [essay(100, 400), essay(101, 300)]
    submit(world, campaign, world.an, base)
    submit(world, campaign, world.binh, base, actor=world.secretary)
    submit(world, campaign, world.cuong, [essay(3), essay(4)], actor=world.admin)
    report = Report.objects.get(member=world.cuong)
    services.review(world.propaganda, report, Decision.RATE, rating="Không đạt")
    pairs = set(Pair.objects.values_list("a_id", "b_id"))
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
    result = copies.campaign_reindex(campaign)
    assert set(Pair.objects.values_list("a_id", "b_id")) == pairs and result["changed"] == []
    ReportTally.objects.filter(organization=world.cell).update(submitted=9, flagged=0)
    RatingTally.objects.filter(organization=world.commune_cell).update(count=5)
    assert services.report_tally_rebuild(campaign) == {"units": 1, "ratings": 1, "subtrees": 0}
    assert tally(campaign, world.cell)["submitted"] == 2


def test_groups_gather_around_a_centre_without_chaining(world, campaign):
    sample = essay(200, 300)
    # a and c are both similar to b (two halves of it) but not to each other.
    b = sample + " " + essay(201, 300)
    a = sample + " " + essay(202, 40)
    c = essay(201, 300) + " " + essay(203, 40)
    reports = []
    for member, text, actor in (
        (world.an, a, None),
        (world.binh, b, world.secretary),
        (world.cuong, c, world.admin),
    ):
        reports.append(
            submit(world, campaign, member, [text, essay(member.pk + 900, 40)], actor=actor).report
        )
    linked = {frozenset((x, y)) for x, y in Pair.objects.values_list("a_id", "b_id")}
    assert frozenset((reports[0].pk, reports[2].pk)) not in linked
    groups = copies.groups(Pair.objects.all())
    for group in groups:
        for member in group.members:
            assert frozenset((group.centre, member)) in linked


def test_a_much_copied_sample_is_verified_against_the_closest_few(world, campaign, monkeypatch):
    sample = [essay(300, 300), essay(301, 200)]
    submit(world, campaign, world.an, sample)
    submit(world, campaign, world.binh, sample, actor=world.secretary)
    monkeypatch.setattr(copies, "MAX_CANDIDATES", 1)
    newest = submit(world, campaign, world.cuong, sample, actor=world.admin).report
    assert Pair.objects.filter(b=newest).count() == 1
