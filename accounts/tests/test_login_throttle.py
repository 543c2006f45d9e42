"""Too many failed sign-ins lock the account name and the client address for a while that
grows with each lock, up to a cap; the message says to wait and nothing more."""

import pytest

from accounts import throttle
from audit.models import AuditEntry


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""

    class Clock:
        at = 1_800_000_000.0

        def advance(self, seconds):
            self.at += seconds

    c = Clock()
    monkeypatch.setattr(throttle, "now", lambda: c.at)
    return c


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(world, client, clock):
    for _ in range(4):
        body = sign_in(client, "bithu", "sai").content.decode()
        assert "tạm thời bị khóa" not in body
    body = sign_in(client, "bithu", "sai").content.decode()
    assert "Đăng nhập tạm thời bị khóa vì nhập sai nhiều lần. Hãy thử lại sau 1 phút." in body
    for _ in range(35):
        assert not signed_in(sign_in(client, "bithu", "sai"))
    response = sign_in(client, "bithu", "pw")
    assert not signed_in(response)
    assert "tạm thời bị khóa" in response.content.decode()


def test_the_lock_ends_and_then_grows_with_each_new_lock_up_to_a_cap(world, client, clock):
    for _ in range(5):
        sign_in(client, "bithu", "sai")
    clock.advance(61)
    assert signed_in(sign_in(client, "bithu", "pw"))
    client.logout()
    waits = []
    for _ in range(6):
        for _ in range(5):
            sign_in(client, "bithu", "sai")
        waits.append(throttle.login_wait("bithu", "10.0.0.2"))
        clock.advance(waits[-1] + 1)
    assert waits == [60, 120, 240, 480, 900, 900]
    assert signed_in(sign_in(client, "bithu", "pw"))


def test_a_day_without_failures_forgets_past_locks(world, client, clock):
    for _ in range(10):
        sign_in(client, "bithu", "sai")
        clock.advance(30)
    clock.advance(25 * 3600)
    for _ in range(5):
        sign_in(client, "bithu", "sai")
    assert throttle.login_wait("bithu", "10.0.0.9") == 60


def test_an_unknown_account_gets_the_same_answers_as_a_real_one(world, client, clock):
    def answers(username, ip):
        bodies = [sign_in(client, username, "sai", ip).content.decode() for _ in range(6)]
        return [body.split('role="alert">')[1].split("</div>")[0] for body in bodies]

    assert answers("bithu", "10.0.0.1") == answers("khong_co_ai", "10.0.0.2")


def test_a_successful_sign_in_clears_the_accounts_count(world, client, clock):
    for _ in range(4):
        sign_in(client, "bithu", "sai")
    assert signed_in(sign_in(client, "bithu", "pw"))
    client.logout()
    for _ in range(4):
        sign_in(client, "bithu", "sai")
    assert signed_in(sign_in(client, "bithu", "pw"))


def test_one_client_guessing_many_accounts_is_locked_but_others_are_not(world, client, clock):
    for i in range(20):
        sign_in(client, f"thu{i}", "sai", ip="2001:db8::1" if i % 2 else "2001:db8::2")
    assert not signed_in(sign_in(client, "vanphong", "pw", ip="2001:db8::3"))
    assert signed_in(sign_in(client, "vanphong", "pw", ip="10.9.9.9"))


def test_the_admin_sign_in_is_locked_too(world, client, clock):
    for _ in range(5):
        sign_in(client, "admin", "sai")
    credentials = {"username": "admin", "password": "pw"}
    response = client.post("/admin/login/?next=/admin/", credentials, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200  # the form again, not a redirect into the admin


def test_failed_attempts_and_the_lock_are_in_the_trail_and_the_log(world, client, clock, caplog):
    for _ in range(6):
        sign_in(client, "bithu", "sai", ip="10.1.2.3")
    sign_in(client, "khong_co_ai", "sai", ip="10.1.2.4")
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert failed.filter(object_repr="bithu", ip="10.1.2.3").count() == 5
    assert failed.get(object_repr="khong_co_ai").organization is None
    assert failed.filter(object_repr="bithu").first().organization == world.ward
    lock = AuditEntry.objects.get(action="auth.lockout")
    assert lock.object_repr == "bithu" and lock.changes == {"seconds": [None, 60]}
    assert "Failed sign-in as 'bithu' from 10.1.2.3" in caplog.text
    assert "Sign-in as 'bithu' from 10.1.2.3 refused: locked" in caplog.text
    assert "locked for 60 s" in caplog.text
