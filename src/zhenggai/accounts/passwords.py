"""Password rules beyond Django's: character classes, our common list, context words.

Check 1 of docs/security.md: at least 8 characters (``MinimumLengthValidator``), at
least 3 of 4 character classes, not on Django's common list nor on ours, and not built
on a context word (the user name, the person's name, the names of their organisations,
the product's own words and ``ZHENGGAI_PASSWORD_CONTEXT_WORDS``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Words of this product and its setting that make a password guessable.
PRODUCT_WORDS = ("zhenggai", "整改", "xuncha", "巡察", "xunshi", "巡视", "dengbao", "等保")
CLASSES = (
    ("lower", re.compile(r"[a-z]")),
    ("upper", re.compile(r"[A-Z]")),
    ("digit", re.compile(r"[0-9]")),
    ("symbol", re.compile(r"[^A-Za-z0-9]")),
)


def character_classes(password: str) -> int:
    return sum(1 for _name, pattern in CLASSES if pattern.search(password))


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min(max(min_classes, 1), 4)

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_few_classes",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


@cache
def extra_common_passwords() -> frozenset[str]:
    text = resources.files("zhenggai.accounts").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _variants(password: str) -> set[str]:
    """The password, and without the digits and symbols people add at either end."""
    lowered = password.lower().strip()
    trimmed = re.sub(r"^[^a-z0-9]+|[^a-z0-9]+$", "", lowered)
    letters = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    return {lowered} | {v for v in (trimmed, letters) if len(v) >= 4}


class ExtraCommonPasswordValidator:
    """Passwords common in Chinese workplaces (``common_passwords.txt``), also with suffixes."""

    def validate(self, password: str, user: Any = None) -> None:
        if _variants(password) & extra_common_passwords():
            raise ValidationError(_("密码过于常见,请换一个。"), code="password_too_common")

    def get_help_text(self) -> str:
        return _("不能使用常见密码。")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def context_words(user: Any) -> list[str]:
    """Words a password must not contain, for this user (may be ``None`` for a new one)."""
    words: list[str] = list(PRODUCT_WORDS) + list(settings.ZHENGGAI_PASSWORD_CONTEXT_WORDS)
    if user is not None:
        words += [
            getattr(user, name, "") or ""
            for name in ("username", "display_name", "first_name", "last_name")
        ]
        email = getattr(user, "email", "") or ""
        words.append(email.split("@")[0])
        if getattr(user, "pk", None):
            from zhenggai.accounts.models import Organisation

            orgs = Organisation.objects.filter(memberships__user=user).distinct()
            # The unit above a department belongs to the context too.
            parents = Organisation.objects.filter(children__in=orgs).distinct()
            for org in [*orgs, *parents]:
                words += [org.name, org.short_name]
        words += list(getattr(user, "_zhenggai_context_words", []))
    result = []
    for word in words:
        word = _normalise(word.strip())
        # Two Chinese characters already name a unit; Latin words need three letters.
        if len(word) >= 3 or (len(word) == 2 and not word.isascii()):
            result.append(word)
    return sorted(set(result), key=len, reverse=True)


class ContextWordsValidator:
    """The password must not contain the user name, the person's or unit's name, etc."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = _normalise(password)
        for word in context_words(user):
            if word in folded:
                raise ValidationError(
                    _("密码不能包含用户名、姓名、单位名称或系统名称等容易猜到的词。"),
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("不能包含用户名、姓名、单位名称或系统名称。")


def help_texts() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()


def describe_rules() -> str:
    days = settings.ZHENGGAI_PASSWORD_MAX_AGE_DAYS
    if not days:
        return ""
    return ngettext("密码每 %(d)d 天须更换一次。", "密码每 %(d)d 天须更换一次。", days) % {
        "d": days
    }
