"""Strict configuration from environment variables: good values, defaults, and loud failures
that name the variable (STYLE: "no random fallback for secrets in production")."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from zhenggai.settings.env import (
    ConfigError,
    env_bool,
    env_data_dir,
    env_database_url,
    env_int,
    env_list,
    env_str,
    secret_key,
)

VAR = "ZHENGGAI_TEST_VALUE"
LONG_KEY = "k" * 50


@pytest.fixture(autouse=True)
def _no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.delenv("ZHENGGAI_SECRET_KEY", raising=False)


def assert_names(exc: pytest.ExceptionInfo[ConfigError], name: str) -> None:
    assert exc.value.name == name
    assert name in str(exc.value)


# ------------------------------------------------------------------ booleans, numbers, lists


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" on ", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_good_values(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, default=not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_default(default: bool) -> None:
    assert env_bool(VAR, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y es", "enabled"])
def test_env_bool_bad_values(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ConfigError) as exc:
        env_bool(VAR, True)
    assert_names(exc, VAR)
    assert repr(raw) in str(exc.value)


@pytest.mark.parametrize(
    ("raw", "expected"), [("42", 42), (" 7 ", 7), ("-3", -3), ("", 5), ("  ", 5)]
)
def test_env_int_good_values_and_blank_default(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: int
) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env_int(VAR, 5) == expected


def test_env_int_default() -> None:
    assert env_int(VAR, 5, minimum=1) == 5


@pytest.mark.parametrize("raw", ["abc", "4.5", "1e3", "12MB"])
def test_env_int_bad_values(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ConfigError) as exc:
        env_int(VAR, 5)
    assert_names(exc, VAR)


def test_env_int_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "1023")
    with pytest.raises(ConfigError, match="1024") as exc:
        env_int(VAR, 4096, minimum=1024)
    assert_names(exc, VAR)
    monkeypatch.setenv(VAR, "1024")
    assert env_int(VAR, 4096, minimum=1024) == 1024


def test_env_list_and_str(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_list(VAR, ["localhost"]) == ["localhost"]
    assert env_str(VAR) is None
    assert env_str(VAR, "INFO") == "INFO"
    monkeypatch.setenv(VAR, " a.example , b.example,, ")
    assert env_list(VAR, ["localhost"]) == ["a.example", "b.example"]
    assert env_str(VAR) == "a.example , b.example,,"
    monkeypatch.setenv(VAR, "")
    assert env_list(VAR, ["localhost"]) == []


# ------------------------------------------------------------------ database URL


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_no_database_url_means_the_embedded_default(
    monkeypatch: pytest.MonkeyPatch, raw: str | None
) -> None:
    if raw is not None:
        monkeypatch.setenv(VAR, raw)
    assert env_database_url(VAR) is None


@pytest.mark.parametrize(
    "url",
    [
        "postgres://zg:secret@db.internal:5432/zhenggai",
        "postgresql://db/zhenggai",
        "pgsql://db/zhenggai",
        "postgres:///zhenggai",
    ],
)
def test_postgres_urls_are_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv(VAR, f" {url} ")
    assert env_database_url(VAR) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://x/y", "mysql"),
        ("sqlite:///var/zhenggai.sqlite3", "sqlite"),
        ("db.internal/zhenggai", "(无)"),
        ("postgres://db.internal", "缺少数据库名"),
        ("postgres://db.internal:5432/", "缺少数据库名"),
        ("postgres://", "缺少主机或数据库名"),
    ],
)
def test_bad_database_urls_are_refused(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv(VAR, url)
    with pytest.raises(ConfigError) as exc:
        env_database_url(VAR)
    assert_names(exc, VAR)
    assert problem in str(exc.value)


# ------------------------------------------------------------------ data directory


def test_data_dir_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(VAR, str(tmp_path / "a" / "b"))
    path = env_data_dir(VAR, "./unused")
    assert path == (tmp_path / "a" / "b").resolve()
    assert path.is_dir()


def test_data_dir_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert env_data_dir(VAR, "./var") == (tmp_path / "var").resolve()
    assert (tmp_path / "var").is_dir()


def test_a_data_dir_that_is_a_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing = tmp_path / "zhenggai.conf"
    existing.write_text("not a directory")
    monkeypatch.setenv(VAR, str(existing))
    with pytest.raises(ConfigError, match="不是目录") as exc:
        env_data_dir(VAR, "./var")
    assert_names(exc, VAR)


def test_a_data_dir_that_cannot_be_created_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv(VAR, str(tmp_path / "file" / "below"))
    with pytest.raises(ConfigError) as exc:
        env_data_dir(VAR, "./var")
    assert_names(exc, VAR)


# ------------------------------------------------------------------ secret key


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    first = secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=False)
    path = tmp_path / "secret_key"
    assert len(first) >= 50
    assert path.read_text(encoding="ascii") == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=False) == first
    other = tmp_path / "other"
    other.mkdir()
    assert (
        secret_key("ZHENGGAI_SECRET_KEY", other, production=False) != first
    )  # generated, not fixed


def test_a_short_stored_key_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short")
    key = secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=False)
    assert len(key) >= 50
    assert (tmp_path / "secret_key").read_text() == key


def test_secret_key_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZHENGGAI_SECRET_KEY", f"  {LONG_KEY}  ")
    assert secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=True) == LONG_KEY
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("production", [True, False])
def test_a_short_secret_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, production: bool
) -> None:
    monkeypatch.setenv("ZHENGGAI_SECRET_KEY", "k" * 49)
    with pytest.raises(ConfigError, match="50") as exc:
        secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=production)
    assert_names(exc, "ZHENGGAI_SECRET_KEY")


def test_production_without_a_secret_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("s" * 80)  # a stored key is no substitute in production
    with pytest.raises(ConfigError, match="生产模式") as exc:
        secret_key("ZHENGGAI_SECRET_KEY", tmp_path, production=True)
    assert_names(exc, "ZHENGGAI_SECRET_KEY")


# ---------------------------------------------------------- the console command fails loudly


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZHENGGAI_", "DJANGO_"))}
    clean.update({"ZHENGGAI_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-m", "zhenggai.cli", "check"],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_passes_with_the_embedded_default(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "secret_key").exists()


def test_check_names_a_bad_database_url(tmp_path: Path) -> None:
    result = run_check(tmp_path, ZHENGGAI_DATABASE_URL="mysql://x/y")
    assert result.returncode != 0
    assert "ZHENGGAI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_in_production_names_the_missing_secret_key(tmp_path: Path) -> None:
    result = run_check(tmp_path, DJANGO_SETTINGS_MODULE="zhenggai.settings.production")
    assert result.returncode != 0
    assert "ZHENGGAI_SECRET_KEY" in result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_check_in_production_passes_with_a_secret_key(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        DJANGO_SETTINGS_MODULE="zhenggai.settings.production",
        ZHENGGAI_SECRET_KEY="p" * 64,
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_production_mode_off(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        DJANGO_SETTINGS_MODULE="zhenggai.settings.production",
        ZHENGGAI_PRODUCTION_MODE="0",
    )
    assert result.returncode != 0
    assert "ZHENGGAI_PRODUCTION_MODE" in result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def database_setting(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The default database's connection settings as a fresh process reads them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZHENGGAI_", "DJANGO_"))}
    clean.update(
        {
            "ZHENGGAI_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "zhenggai.settings.base",
            **env,
        }
    )
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_postgres_connections_are_kept_an_hour_and_checked(tmp_path: Path) -> None:
    url = "postgres://zg@db.internal:5432/zhenggai"
    kept = database_setting(tmp_path, ZHENGGAI_DATABASE_URL=url)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == ["3600", "True"]
    shorter = database_setting(tmp_path, ZHENGGAI_DATABASE_URL=url, ZHENGGAI_DB_CONN_MAX_AGE="0")
    assert shorter.stdout.split() == ["0", "True"]
    bad = database_setting(tmp_path, ZHENGGAI_DATABASE_URL=url, ZHENGGAI_DB_CONN_MAX_AGE="-1")
    assert bad.returncode != 0
    assert "ZHENGGAI_DB_CONN_MAX_AGE" in bad.stderr
