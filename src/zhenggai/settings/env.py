"""Strict helpers that read configuration from environment variables.

Every helper fails loudly with :class:`ConfigError`, naming the variable, when a
value is present but malformed: a typo in production configuration must stop
start-up, never fall back silently to a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration variable has a value that cannot be used."""

    def __init__(self, name: str, problem_zh: str, problem_en: str) -> None:
        self.name = name
        super().__init__(f"配置错误 {name}:{problem_zh} / Configuration error {name}: {problem_en}")


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ConfigError(
        name, f"应为 true/false,实际为 {value!r}", f"expected true/false, got {value!r}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(
            name, f"应为整数,实际为 {value!r}", f"expected an integer, got {value!r}"
        ) from None
    if minimum is not None and number < minimum:
        raise ConfigError(name, f"不能小于 {minimum}", f"must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_data_dir(name: str, default: str) -> Path:
    raw = os.environ.get(name) or default
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(name, f"{path} 不是目录", f"{path} is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            name, f"无法创建目录 {path}({exc})", f"cannot create {path} ({exc})"
        ) from exc
    return path


def env_database_url(name: str) -> str | None:
    """Return a PostgreSQL URL, or ``None`` for the embedded SQLite default."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            name,
            f"只支持 postgres:// 地址,实际为 {parts.scheme or '(无)'}://",
            f"only postgres:// URLs are supported, got {parts.scheme or '(none)'}://",
        )
    if not parts.hostname and not parts.path.strip("/"):
        raise ConfigError(name, "缺少主机或数据库名", "missing host or database name")
    if not parts.path.strip("/"):
        raise ConfigError(name, "缺少数据库名", "missing database name")
    return value.strip()


def secret_key(name: str, data_dir: Path, *, production: bool) -> str:
    """The secret key: from the environment, or generated once into the data dir.

    In production mode the key must come from the environment and be long enough;
    the embedded default keeps a generated key in ``DATA_DIR/secret_key`` so that
    sessions survive restarts.
    """
    value = os.environ.get(name)
    if value is not None:
        value = value.strip()
        if len(value) < 50:
            raise ConfigError(name, "长度至少 50 个字符", "must be at least 50 characters long")
        return value
    if production:
        raise ConfigError(name, "生产模式下必须设置", "is required in production mode")
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 50:
            return key
    key = secrets.token_urlsafe(64)
    # Created with mode 0600 from the start: never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    path.chmod(0o600)
    return key


def env_choice(name: str, choices: list[str], default: str) -> str:
    """One of ``choices``; anything else stops start-up naming the variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if value not in choices:
        allowed = ", ".join(choices)
        zh = f"应为 {allowed} 之一,实际为 {value!r}"
        raise ConfigError(name, zh, f"expected one of {allowed}, got {value!r}")
    return value


def env_hex_key(name: str, nbytes: int) -> str | None:
    """A key given as ``2 * nbytes`` hexadecimal characters, or ``None`` when unset."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    value = value.strip().lower()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    if len(raw) != nbytes:
        digits = 2 * nbytes
        zh = f"应为 {digits} 个十六进制字符"
        raise ConfigError(name, zh, f"expected {digits} hexadecimal characters")
    return value
