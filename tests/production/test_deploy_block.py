"""The README's production block: how it is read, what it may hold, what installs its clients."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from packaging.requirements import Requirement

from portal.prerequisites import DATABASE_DRIVER_REQUIREMENTS, RATE_LIMIT_CLIENTS
from tests.production.deploy_block import (
    ROOT,
    BlockError,
    Loopback,
    on_loopback,
    parse_block,
    read_block,
)

LOOPBACK = Loopback(
    secret_key="k" * 64,
    http_port=8123,
    database_url=sa.make_url("postgresql+psycopg://postgres@127.0.0.1:5432/ci_production"),
    redis_db=12,
    smtp_port=2525,
    password_file=Path("/srv/test/admin-password"),
    bin_dir=Path("/venv/bin"),
)


def _readme_block():
    first_line, text = read_block()
    return parse_block(text, first_line)


def _main_dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def _installed_by_main_dependencies(needed: str) -> bool:
    want = Requirement(needed)
    return any(
        have.name.lower() == want.name.lower() and want.extras <= have.extras
        for have in _main_dependencies()
    )


def test_readme_block_has_the_steps_of_a_first_release():
    block = _readme_block()
    assert block.env["PORTAL_ENV"] == "production"
    steps = [command.argv[1:3] for command in block.commands]
    assert steps[:2] == [("db", "upgrade"), ("users", "create-admin")]
    services = [command.program for command in block.commands if command.is_service]
    assert services == ["gunicorn", "flask"]
    assert block.find("flask", "users", "create-admin").stdin
    # Several workers: the reason for shared rate limits, and what the production test proves.
    assert int(block.find("gunicorn").option("-w", "--workers") or 1) >= 2


def test_clients_the_readme_settings_name_are_main_dependencies():
    """`pip install -e .` (no dev extras) brings what the block's settings need."""
    env = _readme_block().env
    scheme = env["RATELIMIT_STORAGE_URI"].partition("://")[0].partition("+")[0]
    rate_limit_client = RATE_LIMIT_CLIENTS[scheme]
    assert rate_limit_client is not None, "the production block must not use memory:// limits"
    driver = sa.make_url(env["DATABASE_URL"]).get_dialect().driver
    needed = [rate_limit_client.requirement, DATABASE_DRIVER_REQUIREMENTS.get(driver, driver)]
    if env.get("MAIL_BACKEND") == "ses":
        needed.append("boto3")
    missing = [need for need in needed if not _installed_by_main_dependencies(need)]
    assert not missing, f"pyproject.toml [project] dependencies lack {missing}"


@pytest.mark.parametrize("shell", ["a && b", "a | b", "a; b", "a > log", "a &"])
def test_shell_the_test_cannot_run_is_refused_with_the_readme_line(shell):
    with pytest.raises(BlockError, match=r"README.md:41: .* is shell syntax"):
        parse_block(f"export X=1\n\n{shell}", 39)


def test_continuations_comments_and_stdin_are_read():
    block = parse_block(
        'export A=1 B="two words"  # note\n'
        "# a comment line\n"
        ".venv/bin/flask users create-admin a@b.example \\\n"
        '  --name "Ada Admin" --password-stdin < pw.txt\n',
        10,
    )
    assert block.env == {"A": "1", "B": "two words"}
    (command,) = block.commands
    assert command.line == 12
    assert command.argv == (
        ".venv/bin/flask",
        "users",
        "create-admin",
        "a@b.example",
        "--name",
        "Ada Admin",
        "--password-stdin",
    )
    assert command.stdin == "pw.txt"


def test_loopback_keeps_the_readme_driver_and_scheme_and_replaces_only_addresses():
    block = on_loopback(_readme_block(), LOOPBACK)
    readme = _readme_block()
    assert block.env["DATABASE_URL"].startswith(
        sa.make_url(readme.env["DATABASE_URL"]).drivername + "://postgres@127.0.0.1:5432/"
    )
    assert block.env["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/12"
    assert block.env["BASE_URL"] == "https://127.0.0.1:8123"
    kept = set(readme.env) - {"SECRET_KEY", "BASE_URL", "DATABASE_URL", "RATELIMIT_STORAGE_URI"}
    kept -= {"SMTP_HOST", "SMTP_PORT"}
    assert {name: block.env[name] for name in kept} == {name: readme.env[name] for name in kept}
    gunicorn = block.find("gunicorn")
    assert gunicorn.argv[0] == "/venv/bin/gunicorn"
    assert "127.0.0.1:8123" in gunicorn.argv
    assert gunicorn.argv[1:] == tuple(
        "127.0.0.1:8123" if word == "0.0.0.0:8000" else word
        for word in readme.find("gunicorn").argv[1:]
    )


def test_loopback_refuses_a_block_without_a_setting_it_replaces():
    text = "export PORTAL_ENV=production\n.venv/bin/flask db upgrade\n"
    with pytest.raises(BlockError, match="no longer sets SECRET_KEY, BASE_URL"):
        on_loopback(parse_block(text, 1), LOOPBACK)


def test_loopback_refuses_shell_expansion_in_a_setting_it_keeps():
    env = "".join(f"export {name}=x://h:1/0\n" for name in ("BASE_URL", "RATELIMIT_STORAGE_URI"))
    text = (
        env + "export SECRET_KEY=s DATABASE_URL=postgresql+psycopg://h/d SMTP_HOST=h SMTP_PORT=1\n"
        'export MAIL_FROM="$SENDER"\n'
    )
    with pytest.raises(BlockError, match="MAIL_FROM uses shell expansion"):
        on_loopback(parse_block(text, 1), LOOPBACK)
