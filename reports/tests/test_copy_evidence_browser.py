"""A reviewer of a blind campaign reads the evidence of a partial copy retyped without
diacritics: the shared passages side by side, what share of each report they are, and
when each was submitted, with report numbers only."""

import pytest

from accounts.models import Role, RoleGrant, User
from conftest import login
from reports import similarity
from reports.models import Pair
from reports.tests.builders import essay, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_sees_a_section_copied_without_diacritics_aligned_with_its_source(
    world, campaign, page
):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    section = essay(700, 200)
    later_part = essay(701, 80)
    source = submit(world, campaign, world.an, [section + "\n" + later_part, essay(702, 200)])
    # The copy moves the later paragraph first and retypes everything without marks.
    copied = similarity.fold_aligned(later_part) + "\n" + essay(703, 150) + "\n"
    copied += similarity.fold_aligned(section)
    copy = submit(world, campaign, world.binh, [copied, essay(704, 250)], actor=world.secretary)
    mine, theirs = source.report, copy.report
    assert Pair.objects.filter(a=mine, b=theirs).exists()
    reviewer = User.objects.create_user("chambai", password="pw")
    RoleGrant.objects.create(user=reviewer, organization=world.ward, role=Role.REVIEWER)
    login(page, "chambai")
    page.goto(f"/reports/{mine.pk}/")
    page.click(f"a[href='/reports/{mine.pk}/compare/{theirs.pk}/']")
    page.wait_for_selector("#aligned")
    rows = page.locator("#aligned tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).locator("td")
    # Passage 1 opens the source with its diacritics and stands last in the copy, without.
    assert first.nth(1).inner_text().startswith(section.split()[0])
    assert first.nth(2).inner_text().startswith(similarity.fold_aligned(section).split()[0])
    assert "ệ" not in first.nth(2).inner_text() and "ệ" in section
    right_marks = page.locator("#right mark sup").all_inner_texts()
    assert right_marks[:2] == ["2", "1"]  # the moved paragraph comes first in the copy
    shares = page.inner_text("#shares")
    assert f"Bài số {mine.pk}" in shares and f"Bài số {theirs.pk}" in shares
    assert "%" in shares and "nộp ngày" in shares
    body = page.inner_text("main")
    assert "Nguyễn Văn An" not in body and "Trần Thị Bình" not in body
    assert "Chi bộ khu phố 1" not in body and "None" not in body
