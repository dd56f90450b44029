"""Checks 1, 2 and 8: password rules, maximum age, initial passwords."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.security.conftest import sign_in
from tests.world import PASSWORD, World, make_user
from zhenggai.accounts.models import User
from zhenggai.core.demo import ACCOUNTS, load_demo

GOOD = "Tq7#mLw2-vKc"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1#xyz", "password_too_short"),  # 7 characters
        ("abcdefgh12", "password_too_few_classes"),  # 2 classes
        ("ABCDEFGH!!", "password_too_few_classes"),
        ("Password1", "password_too_common"),  # Django's common list
        ("Admin@123", "password_too_common"),  # our list
        ("Qwer1234!!", "password_too_common"),  # our list, with a suffix
    ],
)
def test_weak_passwords_are_refused(db, password: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username="someone"))
    assert code in {e.code for e in caught.value.error_list}


def test_a_good_password_passes(db) -> None:
    validate_password(GOOD, User(username="someone"))


def test_three_classes_are_enough(db) -> None:
    validate_password("tq7mlw2-vkcz", User(username="someone"))  # lower, digit, symbol


@pytest.mark.parametrize("password", ["Wangwei#2026", "Zhenggai@2026", "X-甲局-2026a"])
def test_context_words_are_refused(world: World, password: str) -> None:
    user = world.dept
    user.username = "wangwei"
    with pytest.raises(ValidationError) as caught:
        validate_password(password, world.secretary if "甲局" in password else user)
    assert "password_context_word" in {e.code for e in caught.value.error_list}


def test_the_unit_of_a_department_user_is_a_context_word(world: World) -> None:
    with pytest.raises(ValidationError):
        validate_password("Abc-甲局-9x", world.dept)  # dept belongs to 综合处 under 甲局


def test_the_minimum_classes_is_a_setting(db, settings) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "zhenggai.accounts.passwords.CharacterClassesValidator",
            "OPTIONS": {"min_classes": 4},
        }
    ]
    with pytest.raises(ValidationError):
        validate_password("tq7mlw2-vkcz", None)


def test_the_change_page_applies_the_rules(world: World, as_user) -> None:
    client = as_user("dept")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert not User.objects.get(pk=world.dept.pk).check_password("abcdefgh")


def test_a_password_change_is_audited_and_clears_the_flag(world: World, as_user) -> None:
    User.objects.filter(pk=world.dept.pk).update(must_change_password=True)
    client = as_user("dept")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=world.dept.pk)
    assert user.check_password(GOOD) and not user.must_change_password
    assert client.get("/").status_code == 200  # the session survives its own change


# ------------------------------------------------------------------ check 2: maximum age


def _age(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=days)
    )


def test_an_expired_password_forces_a_change_at_login(world: World) -> None:
    _age(world.dept, 91)
    client = Client()
    response = sign_in(client, "dept")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/password/")
    blocked = client.get("/inspections/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/password/")


def test_a_password_younger_than_the_maximum_age_is_fine(world: World) -> None:
    _age(world.dept, 89)
    client = Client()
    assert sign_in(client, "dept")["Location"] == "/"
    assert client.get("/inspections/").status_code == 200


def test_the_maximum_age_is_a_setting(world: World, settings) -> None:
    _age(world.dept, 40)
    settings.ZHENGGAI_PASSWORD_MAX_AGE_DAYS = 30
    assert sign_in(Client(), "dept")["Location"].startswith("/account/password/")
    settings.ZHENGGAI_PASSWORD_MAX_AGE_DAYS = 0  # switched off
    assert sign_in(Client(), "dept")["Location"] == "/"


# ------------------------------------------------------------------ check 8: initial passwords


def test_no_account_exists_after_install(db) -> None:
    assert not User.objects.exists()  # migrations create no default admin


def test_an_account_flagged_for_change_reaches_only_the_change_page(world: World) -> None:
    User.objects.filter(pk=world.coordinator.pk).update(must_change_password=True)
    client = Client()
    response = sign_in(client, "coordinator")
    assert response["Location"].startswith("/account/password/")
    for path in ("/", "/inspections/", "/account/"):
        assert client.get(path)["Location"].startswith("/account/password/")
    assert client.get("/account/password/").status_code == 200


def test_an_account_created_by_the_sysadmin_must_change_its_password(world: World, as_user) -> None:
    client = as_user("sysadmin")
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "display_name": "新人",
            "title": "",
            "password1": GOOD,
            "password2": GOOD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newbie").must_change_password
    assert sign_in(Client(), "newbie", GOOD)["Location"].startswith("/account/password/")


def test_demo_accounts_must_change_outside_demo_mode(db, settings) -> None:
    load_demo(password="Demo-Pass-2026x")
    settings.ZHENGGAI_DEMO = False
    assert sign_in(Client(), "dept", "Demo-Pass-2026x")["Location"].startswith("/account/password/")
    settings.ZHENGGAI_DEMO = True
    assert sign_in(Client(), "dept", "Demo-Pass-2026x")["Location"] == "/"
    assert {a.username for a in ACCOUNTS} == set(
        User.objects.filter(is_demo=True).values_list("username", flat=True)
    )


def test_make_user_in_tests_is_not_flagged(db) -> None:
    assert not make_user("plain").must_change_password
