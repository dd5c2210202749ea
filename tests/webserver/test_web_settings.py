"""python -m webserver: flags over environment over production defaults."""

import pytest

from skill.persistence import SqliteAdapter, store_from_environment
from webserver.__main__ import STORE_PATH_ENV, parse_settings, store_environment
from webserver.app import Settings, available_cores


def test_the_defaults_are_local_and_verified():
    settings = parse_settings([], environ={})
    assert settings == Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 5000)
    assert settings.verify_signature and settings.verify_timestamp
    assert settings.skill_id is None
    assert settings.workers == available_cores() >= 1


def test_the_environment_configures_the_server():
    environ = {
        "CRAMP_COACH_HOST": "0.0.0.0",
        "CRAMP_COACH_PORT": "8080",
        "SKILL_ID": "amzn1.ask.skill.x",
        "CRAMP_COACH_THREADS": "2",
        "CRAMP_COACH_WORKERS": "3",
    }
    settings = parse_settings([], environ=environ)
    assert (
        settings.host,
        settings.port,
        settings.skill_id,
        settings.threads,
        settings.workers,
    ) == ("0.0.0.0", 8080, "amzn1.ask.skill.x", 2, 3)


def test_flags_win_over_the_environment():
    environ = {"CRAMP_COACH_PORT": "8080", "SKILL_ID": "amzn1.ask.skill.env"}
    settings = parse_settings(["--port", "9000", "--skill-id", "amzn1.ask.skill.flag"], environ)
    assert (settings.port, settings.skill_id) == (9000, "amzn1.ask.skill.flag")


def test_the_store_path_is_a_setting_and_the_environment_is_left_alone():
    environ = {STORE_PATH_ENV: "/var/lib/env.sqlite3"}
    settings = parse_settings(["--store-path", "/var/lib/flag.sqlite3"], environ)
    assert settings.store_path == "/var/lib/flag.sqlite3"
    assert environ == {STORE_PATH_ENV: "/var/lib/env.sqlite3"}
    assert parse_settings([], environ).store_path == "/var/lib/env.sqlite3"
    assert parse_settings([], environ={}).store_path is None


def test_the_store_path_reaches_the_skills_persistence(tmp_path):
    """What main() does: the flag's file is the SQLite store, without touching os.environ."""
    path = tmp_path / "flag.sqlite3"
    environ = {STORE_PATH_ENV: str(tmp_path / "env.sqlite3"), "CRAMP_COACH_STORE": "sqlite"}
    settings = parse_settings(["--store-path", str(path)], environ)
    store = store_from_environment(store_environment(settings, environ), default="sqlite")
    assert isinstance(store, SqliteAdapter)
    assert str(store.path) == str(path)
    assert environ[STORE_PATH_ENV] == str(tmp_path / "env.sqlite3")


def test_each_check_is_turned_off_only_by_its_own_development_flag():
    settings = parse_settings(["--dev-skip-signature-check"], environ={})
    assert not settings.verify_signature and settings.verify_timestamp
    settings = parse_settings(["--dev-skip-timestamp-check"], environ={})
    assert settings.verify_signature and not settings.verify_timestamp


@pytest.mark.parametrize("flags", [["--workers", "0"], ["--threads", "0"]])
def test_no_workers_or_no_threads_is_refused(flags, capsys):
    with pytest.raises(SystemExit):
        parse_settings(flags, environ={})
    assert "at least 1" in capsys.readouterr().err
