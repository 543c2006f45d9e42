"""Each demo role follows every link it is shown, GET only, on the demo data, in
Vietnamese and in English: no error, no "None", no link to a page the role may not open,
no English on a Vietnamese page and no Vietnamese (other than data) on an English page.
How the pages are walked and read is in `crawling.py`."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from nghiquyet.tests.crawling import ROLES, Languages, crawl, data_strings, demo_cycle


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, written once for every role and rolled back after the last one
    (each test runs in a savepoint inside this transaction), and what tells its two
    languages apart."""
    private = tmp_path_factory.mktemp("private")
    quiet = override_settings(
        TASKS={
            "default": {
                **settings.TASKS["default"],
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            }
        },
        PRIVATE_MEDIA_ROOT=private,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), quiet, transaction.atomic():
        call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
        demo_cycle()
        yield private, Languages(data_strings())
        transaction.set_rollback(True)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_is_shown_opens_cleanly_in_its_language(
    demo, db, client, settings, username, language
):
    private, languages = demo
    settings.PRIVATE_MEDIA_ROOT = private  # the files the demo stored, such as its attachment
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(User.objects.get(username=username))
    problems, pages = crawl(client, languages, language=language)
    assert len(pages) > 5
    assert not problems, f"{len(problems)} chỗ hỏng sau {len(pages)} trang:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_public_pages_open_cleanly_in_both_languages(demo, db, client, settings, language):
    from news.models import Article

    _private, languages = demo
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    article = Article.objects.filter(state=Article.State.PUBLISHED).first()
    problems = []
    pages = []
    for start in ["/", f"/news/{article.pk}/", f"/news/unit/{article.organization_id}/"]:
        found, read = crawl(client, languages, language=language, start=start)
        problems += found
        pages += read
    assert any(url.startswith("/accounts/login/") for url in pages)
    assert not problems, "\n".join(problems)


def test_an_english_page_is_told_its_untranslated_phrases_apart_from_data():
    languages = Languages(["Chi bộ khu phố 1", "Nguyễn Văn An", "Bài thu hoạch rất tốt."])
    assert languages.vietnamese_in("Members of Chi bộ khu phố 1: 12") == []
    assert languages.vietnamese_in("Nguyễn Văn An (in person) · Bài thu hoạch…") == []
    assert languages.vietnamese_in("Nguyễn Văn An · Chưa nộp bài") == ["Chưa nộp bài"]
    assert languages.vietnamese_in("Learning reports of Chi bộ thôn Đồng Ao") == [
        "Chi bộ thôn Đồng Ao"
    ]


def test_a_vietnamese_page_is_told_english_words_apart_from_data():
    languages = Languages(["Đảng bộ phường Định Long"])
    assert languages.english_in("Đảng bộ phường Định Long · Danh sách đảng viên") == []
    assert "Members" in languages.english_in("Danh sách Members")
    # Any word of the English catalogue, not only the common ones listed by hand.
    assert "reviewer" in languages.english_in("Người chấm: reviewer")
    # An English word that is also stored data (a name, a title) is left to the data.
    assert "Channel" in languages.english_in("Kênh Channel")
    assert Languages(["Công ty Channel Việt"]).english_in("Kênh Channel") == []
