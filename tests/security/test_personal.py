"""Checks 27 and 29: personal fields encrypted at rest, masked, role-limited and audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from tests.world import PASSWORD, World
from zhenggai.accounts import crypto
from zhenggai.accounts.crypto import DecryptionError, mask_id_number, mask_phone
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry

PHONE = "13812341234"
ID_NUMBER = "11010519491231002X"


def stored(user: User, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def person(world: World) -> User:
    user = world.dept
    user.phone, user.id_number = PHONE, ID_NUMBER
    user.save()
    return user


def test_phone_and_id_number_are_encrypted_at_rest(person: User) -> None:
    raw_phone, raw_id = stored(person, "phone"), stored(person, "id_number")
    assert PHONE not in raw_phone and ID_NUMBER not in raw_id
    assert raw_phone.startswith("sm4:") and raw_id.startswith("sm4:")
    again = User.objects.get(pk=person.pk)
    assert (again.phone, again.id_number) == (PHONE, ID_NUMBER)


def test_the_same_value_encrypts_differently_each_time(db) -> None:
    assert crypto.encrypt(PHONE) != crypto.encrypt(PHONE)


def test_a_tampered_value_is_refused(db) -> None:
    token = crypto.encrypt(PHONE)
    name, kid, body = token.split(":", 2)
    flipped = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    with pytest.raises(DecryptionError):
        crypto.decrypt(f"{name}:{kid}:{flipped}")


def test_a_value_under_another_key_is_refused(db, settings) -> None:
    token = crypto.encrypt(PHONE)
    settings.ZHENGGAI_FIELD_KEY = "ab" * 32
    with pytest.raises(DecryptionError):
        crypto.decrypt(token)


def test_aes_gcm_is_the_other_cipher(db) -> None:
    pytest.importorskip("cryptography")
    token = crypto.encrypt(PHONE, "aesgcm")
    assert token.startswith("aesgcm:") and crypto.decrypt(token) == PHONE


@override_settings(ZHENGGAI_FIELD_CIPHER="aesgcm")
def test_switching_ciphers_keeps_old_values_readable(person: User) -> None:
    pytest.importorskip("cryptography")
    assert User.objects.get(pk=person.pk).phone == PHONE  # written with sm4, read under aesgcm


def test_the_sm4_cipher_matches_the_standard_vector() -> None:
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    engine = CryptSM4()
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    engine.set_key(key, SM4_ENCRYPT)
    # GB/T 32907 appendix A: the first block; the second is the PKCS#7 padding block.
    assert engine.crypt_ecb(key).hex()[:32] == "681edf34d206965e86b3e94f536e4246"


def test_masks() -> None:
    assert mask_phone(PHONE) == "138****1234"
    assert mask_id_number(ID_NUMBER) == "110***********002X"
    assert mask_phone("") == "" and mask_phone(None) == ""


def test_the_person_sees_masked_numbers_and_may_reveal_them(person: User, as_user) -> None:
    client = as_user("dept")
    page = client.get("/account/").content.decode()
    assert "138****1234" in page and PHONE not in page and ID_NUMBER not in page
    revealed = client.post("/account/", {"action": "reveal"})
    assert PHONE in revealed.content.decode() and "no-store" in revealed["Cache-Control"]
    entry = AuditEntry.objects.get(action="personal.revealed")
    assert entry.actor_id == person.pk and entry.success and PHONE not in str(entry.after)


def test_the_security_admin_may_reveal_them_audited(person: User, as_user, world: World) -> None:
    client = as_user("secadmin")
    page = client.get(f"/security/users/{person.pk}/").content.decode()
    assert "138****1234" in page and PHONE not in page
    revealed = client.post(f"/security/users/{person.pk}/", {"action": "reveal"}).content.decode()
    assert PHONE in revealed and ID_NUMBER in revealed
    assert AuditEntry.objects.filter(action="personal.revealed", actor=world.secadmin).exists()


@pytest.mark.parametrize("persona", ["sysadmin", "auditadmin", "coordinator", "office"])
def test_nobody_else_may_reveal_them(person: User, as_user, persona: str) -> None:
    response = as_user(persona).post(f"/security/users/{person.pk}/", {"action": "reveal"})
    assert response.status_code == 403
    assert PHONE not in response.content.decode()


def test_changing_them_needs_the_password_again(person: User, as_user) -> None:
    client = as_user("dept")
    refused = client.post(
        "/account/", {"phone": "13900001111", "id_number": "", "password": "wrong"}
    )
    assert refused.status_code == 200 and User.objects.get(pk=person.pk).phone == PHONE
    client.post("/account/", {"phone": "13900001111", "id_number": "", "password": PASSWORD})
    assert User.objects.get(pk=person.pk).phone == "13900001111"
    changed = AuditEntry.objects.get(action="personal.changed")
    assert changed.after["phone"] == "139****1111"


def test_the_encrypted_field_cannot_be_searched(person: User) -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(User.objects.filter(phone=PHONE))
