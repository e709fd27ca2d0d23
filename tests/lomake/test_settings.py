"""Every setting is a `lomake serve` option and an environment variable: the option wins over the
variable, the variable over the default, and a bad value stops the command with a clear error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from core.settings import SETTINGS, Settings
from lomake.cli import main, serve, setting_options
from tests.conftest import ROOT

#: A value for each setting, as text, and what it reads as.
GIVEN: dict[str, tuple[str, Any]] = {
    "schemas_dir": ("forms", Path("forms")),
    "db_url": ("sqlite:///other.sqlite3", "sqlite:///other.sqlite3"),
    "upgrade_db": ("true", True),
    "host": ("0.0.0.0", "0.0.0.0"),
    "port": ("8123", 8123),
    "public_url": ("https://Lomake.Example.fi/", "https://lomake.example.fi"),
    "max_body_bytes": ("2000", 2000),
    "max_upload_bytes": ("3000", 3000),
    "max_draft_bytes": ("4000", 4000),
    "body_timeout": ("0.5", 0.5),
    "header_timeout": ("2", 2.0),
    "template_dirs": ("agency", (Path("agency"),)),
    "reload": ("true", True),
    "purge_every": ("60", 60.0),
    "delivery_retry_days": ("7", 7),
    "deliver_in_serve": ("yes", True),
}

#: Values each setting refuses (some only by the option: an empty variable counts as not set; a flag's only
#: by the variable: the flag takes no value).
BAD: dict[str, tuple[str, ...]] = {
    "schemas_dir": (str(ROOT / "pyproject.toml"),),
    "db_url": ("mysql://db/lomake", "sqlite://", "postgresql://db/lomake?schema=Not-a-name"),
    "upgrade_db": ("maybe",),
    "host": ("bad host", "a/b"),
    "port": ("eighty", "-1", "65536", "80.5"),
    "public_url": ("ftp://lomake.example.fi", "https://lomake.example.fi/path", "https://x:port"),
    "max_body_bytes": ("-1", "0", "lots", "1.5"),
    "max_upload_bytes": ("-5",),
    "max_draft_bytes": ("1e9",),
    "body_timeout": ("0", "-3", "soon", "nan", "inf"),
    "header_timeout": ("-1",),
    "template_dirs": (str(ROOT / "README.md"),),
    "reload": ("maybe",),
    "purge_every": ("0", "hourly"),
    "delivery_retry_days": ("0", "-1", "1.5", "week"),
    "deliver_in_serve": ("maybe", "2"),
}


@click.command()
@setting_options
def settings_of(**given: Any) -> Settings:
    """The settings `lomake serve` would run with: the same options."""
    return Settings(**given)


def unset(**env: str) -> dict[str, str]:
    """`env`, and every other setting's variable not set (whatever the environment running the tests has)."""
    return {**{s.env: "" for s in SETTINGS.values()}, **env}


def read(args: list[str], env: dict[str, str] | None = None) -> Settings:
    result = CliRunner().invoke(settings_of, args, env=unset(**env or {}), standalone_mode=False)
    assert result.exit_code == 0, result.output
    assert isinstance(result.return_value, Settings)
    return result.return_value


def test_every_setting_has_an_example_and_a_bad_value() -> None:
    assert list(GIVEN) == list(SETTINGS) == list(BAD)


def test_serve_takes_every_setting_and_nothing_else() -> None:
    assert [p.name for p in serve.params] == list(SETTINGS)
    assert [p.opts for p in serve.params] == [[s.flag] for s in SETTINGS.values()]


def test_the_defaults_are_the_settings_defaults() -> None:
    assert read([]) == Settings()


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_setting_is_given_by_its_option(name: str) -> None:
    text, value = GIVEN[name]
    flag = isinstance(SETTINGS[name].default, bool)  # a yes/no setting's flag takes no value
    assert getattr(read([SETTINGS[name].flag] if flag else [SETTINGS[name].flag, text]), name) == value


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_setting_is_given_by_its_environment_variable(name: str) -> None:
    text, value = GIVEN[name]
    assert getattr(read([], {SETTINGS[name].env: text}), name) == value


def test_the_option_wins_over_the_variable() -> None:
    settings = read(["--max-body-bytes", "10", "--db", "sqlite:///a.db"],
                    {"LOMAKE_MAX_BODY_BYTES": "20", "LOMAKE_DB": "sqlite:///b.db", "LOMAKE_PORT": "9000"})
    assert (settings.max_body_bytes, settings.db_url, settings.port) == (10, "sqlite:///a.db", 9000)


def test_a_setting_given_many_times_is_one_variable_separated_as_in_path() -> None:
    assert read(["--templates", "a", "--templates", "b"]).template_dirs == (Path("a"), Path("b"))
    assert read([], {"LOMAKE_TEMPLATES": os.pathsep.join(["a", "b"])}).template_dirs == (Path("a"), Path("b"))


@pytest.mark.parametrize(("name", "bad", "by"), [
    (name, bad, by) for name, values in BAD.items() for bad in values
    for by in (["variable"] if isinstance(SETTINGS[name].default, bool) else ["option", "variable"])])
def test_a_bad_value_stops_serve_with_a_clear_error(name: str, bad: str, by: str) -> None:
    setting = SETTINGS[name]
    args, env = ([f"{setting.flag}={bad}"], {}) if by == "option" else ([], {setting.env: bad})
    result = CliRunner().invoke(main, ["serve", *args], env=unset(**env))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not a traceback
    error = result.output.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for '{setting.flag}' (env var: '{setting.env}'): "), error


def test_every_command_takes_schemas_and_db_as_serve_does() -> None:
    """A command that reads the forms takes --schemas, one that reads the database --db: the same options."""
    def commands(group: click.Group) -> list[click.Command]:
        found: list[click.Command] = []
        for command in group.commands.values():
            found += commands(command) if isinstance(command, click.Group) else [command]
        return found

    shared = {p.name: p for p in serve.params if p.name in ("schemas_dir", "db_url")}
    seen = set()
    for command in commands(main):
        for param in command.params:
            if param.name in shared:
                seen.add((command.name, param.name))
                assert param.to_info_dict() == shared[param.name].to_info_dict(), (command.name, param.name)
    assert {("render", "schemas_dir"), ("extract", "schemas_dir"), ("create", "schemas_dir"),
            ("purge", "db_url"), ("create", "db_url"), ("list", "db_url"), ("revoke", "db_url")} <= seen
