"""Checks 3, 4, 6, 7 and 19: lockout, throttling, TOTP, session id, what the log keeps."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from tests.security.conftest import actions_since, code_for, enrol, mark, sign_in
from tests.world import PASSWORD, World
from zhenggai.accounts import totp
from zhenggai.accounts.models import LoginLock, TotpDevice
from zhenggai.audit.models import AuditEntry

LOCK_TEXT = "已被临时锁定"
BAD_TEXT = "用户名或密码错误"


def fail(client: Client, username: str, times: int, **extra: str) -> None:
    for _ in range(times):
        sign_in(client, username, "Wr0ng-Passw0rd!", **extra)


# ------------------------------------------------------------------ check 3: lockout


def test_five_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    start = mark()
    fail(client, "dept", 5)
    response = sign_in(client, "dept")
    assert response.status_code == 200 and LOCK_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    actions = actions_since(start)
    assert actions.count("login.failed") == 5
    assert "login.locked" in actions and actions[-1] == "login.refused_locked"
    locked = AuditEntry.objects.get(action="login.locked")
    assert not locked.success and locked.after["username"] == "dept"


def test_four_failures_do_not_lock(world: World) -> None:
    client = Client()
    fail(client, "dept", 4)
    assert sign_in(client, "dept").status_code == 302


def test_the_lock_lasts_thirty_minutes(world: World, settings) -> None:
    assert settings.ZHENGGAI_LOCKOUT_SECONDS == 30 * 60 and settings.ZHENGGAI_LOCKOUT_FAILURES == 5
    fail(Client(), "dept", 5)
    lock = LoginLock.objects.get(kind="account", key="dept")
    assert abs((lock.until - lock.created_at).total_seconds() - 1800) < 1
    LoginLock.objects.filter(pk=lock.pk).update(until=timezone.now() - dt.timedelta(seconds=1))
    assert sign_in(Client(), "dept").status_code == 302


def test_the_thresholds_are_settings(world: World, settings) -> None:
    settings.ZHENGGAI_LOCKOUT_FAILURES = 2
    fail(Client(), "dept", 2)
    assert LOCK_TEXT in sign_in(Client(), "dept").content.decode()


def test_a_success_resets_the_count(world: World) -> None:
    fail(Client(), "dept", 4)
    assert sign_in(Client(), "dept").status_code == 302
    fail(Client(), "dept", 4)
    assert sign_in(Client(), "dept").status_code == 302


def test_the_security_admin_can_unlock(world: World, as_user) -> None:
    fail(Client(), "dept", 5)
    as_user("secadmin").post(f"/security/users/{world.dept.pk}/", {"action": "unlock"})
    assert sign_in(Client(), "dept").status_code == 302
    assert AuditEntry.objects.filter(action="login.unlocked", actor=world.secadmin).exists()


# ------------------------------------------------------------------ check 4: per address


def test_failures_from_one_address_lock_the_address(world: World, settings) -> None:
    settings.ZHENGGAI_LOCKOUT_ADDRESS_FAILURES = 6
    client = Client(REMOTE_ADDR="203.0.113.50")
    for name in ("a1", "a2", "a3", "b1", "b2", "b3"):  # never 5 on one name
        sign_in(client, name, "wrong")
    assert LOCK_TEXT in sign_in(client, "dept").content.decode()
    assert sign_in(Client(REMOTE_ADDR="203.0.113.51"), "dept").status_code == 302


def test_unknown_and_known_names_get_the_same_answer(world: World) -> None:
    unknown = sign_in(Client(), "nobody-here", "Wr0ng-Passw0rd!")
    known = sign_in(Client(), "dept", "Wr0ng-Passw0rd!")
    assert unknown.status_code == known.status_code == 200
    assert BAD_TEXT in unknown.content.decode() and BAD_TEXT in known.content.decode()
    fail(Client(), "nobody-here", 4)
    fail(Client(), "dept", 4)
    locked_unknown = sign_in(Client(), "nobody-here", "x").content.decode()
    locked_known = sign_in(Client(), "dept", "x").content.decode()
    assert LOCK_TEXT in locked_unknown and LOCK_TEXT in locked_known


def test_unknown_names_take_about_as_long(world: World, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    world.dept.set_password(PASSWORD)
    world.dept.save()

    def timed(name: str) -> float:
        started = time.perf_counter()
        sign_in(Client(), name, "Wr0ng-Passw0rd!")
        return time.perf_counter() - started

    known = min(timed("dept") for _ in range(3))
    unknown = min(timed("nobody-here") for _ in range(3))
    assert unknown > known * 0.5  # both run the password hasher


# ------------------------------------------------------------------ check 6: TOTP


def test_the_office_needs_a_second_factor(world: World) -> None:
    enrol(world.office)
    client = Client()
    response = sign_in(client, "office")
    assert response["Location"] == "/login/totp/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/login/totp/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post("/login/totp/", {"code": code_for(world.office)})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action="login.succeeded").latest("id")
    assert entry.after == {"factors": ["password", "totp"]}


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin", "office"])
def test_admins_without_an_authenticator_must_enrol(world: World, persona: str) -> None:
    client = Client()
    assert sign_in(client, persona)["Location"] == "/login/totp/enrol/"
    page = client.get("/login/totp/enrol/").content.decode()
    device = TotpDevice.objects.get(user=world.users[persona])
    assert device.secret in page.replace(" ", "") and "otpauth://totp/" in page
    assert (
        client.post("/login/totp/enrol/", {"code": code_for(world.users[persona])}).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    assert TotpDevice.objects.get(pk=device.pk).confirmed


def test_a_department_user_signs_in_with_a_password(world: World) -> None:
    assert sign_in(Client(), "dept")["Location"] == "/"


def test_a_reused_code_is_refused(world: World) -> None:
    enrol(world.office)
    code = code_for(world.office)
    first = Client()
    sign_in(first, "office")
    assert first.post("/login/totp/", {"code": code}).status_code == 302
    second = Client()
    sign_in(second, "office")
    response = second.post("/login/totp/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in second.session
    assert totp.verify(world.office, code_for(world.office, 1))  # the next step still works


def test_wrong_codes_count_towards_the_lock(world: World) -> None:
    enrol(world.office)
    client = Client()
    sign_in(client, "office")
    for _ in range(5):
        client.post("/login/totp/", {"code": "123456"})
    assert LoginLock.objects.filter(kind="account", key="office").exists()


def test_the_pending_step_expires_and_is_removed_after_use(world: World, monkeypatch) -> None:
    enrol(world.office)
    client = Client()
    sign_in(client, "office")
    assert "zg_pending" in client.session
    client.post("/login/totp/", {"code": code_for(world.office)})
    assert "zg_pending" not in client.session  # check 29: nothing of the step is kept
    late = Client()
    sign_in(late, "office")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 301)
    assert late.post("/login/totp/", {"code": code_for(world.office, 1)}).status_code == 302
    monkeypatch.undo()
    assert "_auth_user_id" not in late.session


def test_demo_accounts_skip_totp_in_demo_mode_only(world: World, settings) -> None:
    world.office.is_demo = True
    world.office.save(update_fields=["is_demo"])
    settings.ZHENGGAI_DEMO = True
    assert sign_in(Client(), "office")["Location"] == "/"
    settings.ZHENGGAI_DEMO = False
    assert sign_in(Client(), "office")["Location"] == "/login/totp/enrol/"


# ------------------------------------------------------------------ check 7: session id


def test_the_session_id_changes_at_login(world: World) -> None:
    client = Client()
    client.get("/login/")
    sign_in(client, "dept", "wrong")
    before = client.session.session_key
    sign_in(client, "dept")
    assert client.session.session_key != before


def test_the_session_id_changes_after_the_second_factor(world: World) -> None:
    enrol(world.office)
    client = Client()
    sign_in(client, "office")
    pending = client.cookies["sessionid"].value
    client.post("/login/totp/", {"code": code_for(world.office)})
    assert client.cookies["sessionid"].value != pending


def test_an_old_cookie_after_logout_gets_the_login_page(world: World) -> None:
    client = Client()
    sign_in(client, "dept")
    old = client.cookies["sessionid"].value
    client.post("/logout/")
    replay = Client()
    replay.cookies["sessionid"] = old
    response = replay.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action="logout", actor=world.dept).exists()


def test_an_old_cookie_after_the_user_is_disabled_gets_the_login_page(world: World) -> None:
    client = Client()
    sign_in(client, "dept")
    world.dept.is_active = False
    world.dept.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert sign_in(Client(), "dept").status_code == 200  # and it cannot sign in again


# ------------------------------------------------------------------ check 19: what the log keeps


def test_secrets_never_reach_the_audit_log(world: World) -> None:
    enrol(world.office)
    client = Client()
    sign_in(client, "dept", "S3cret-Typo-pass")
    sign_in(client, "office")
    code = code_for(world.office)
    client.post("/login/totp/", {"code": code})
    session_key = client.session.session_key
    dump = " ".join(
        f"{e.actor_name} {e.before} {e.after} {e.object_id}" for e in AuditEntry.objects.all()
    )
    for secret in ("S3cret-Typo-pass", PASSWORD, code, session_key):
        assert secret not in dump


def test_control_characters_in_a_typed_username_are_escaped(world: World) -> None:
    sign_in(Client(), "eve\n2026-01-01 login.succeeded admin\x1b[0m", "x")
    entry = AuditEntry.objects.filter(action="login.failed").latest("id")
    assert "\n" not in entry.after["username"] and "\x1b" not in entry.after["username"]
    assert entry.after["username"].startswith("eve\\n2026")
