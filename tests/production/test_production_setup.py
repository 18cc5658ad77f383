"""The README's production setup, run as written on loopback: PostgreSQL, Redis, SMTP, gunicorn.

The commands and settings come from the README's "Deploying past one machine" block
(tests/production/deploy_block.py), so a README that stops working fails here. Run it alone with
`pytest -m production -n 0`. Needs PostgreSQL (TEST_DATABASE_URL) and Redis on 127.0.0.1:6379:
skipped without them locally, failed without them in CI.
"""

from __future__ import annotations

import re
import secrets
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from portal.accounts.cli import create_admin_command
from tests.conftest import TEST_DATABASE_URL, require
from tests.notify.conftest import EphemeralPortController, SmtpSink
from tests.production import deploy_block
from tests.production.browser import Browser
from tests.production.services import Services, operator_env, wait_for

pytestmark = pytest.mark.production

# A Redis database of this test's own, emptied before and after.
REDIS_DB = 12
ADMIN_PASSWORD = "first admin's long passphrase"
PARTNER_EMAIL = "pat@northwind.example"
PARTNER_PASSWORD = "northwind partner passphrase"
ORG_NAME = "Northwind Partners"
# gunicorn's access log: worker pid, the browser's address, request, status.
ACCESS_LOG_FORMAT = "%(p)s %({x-forwarded-for}i)s %(m)s %(U)s %(s)s"


@pytest.fixture
def database_url() -> Iterator[sa.URL]:
    """A PostgreSQL database of the test's own beside TEST_DATABASE_URL, dropped afterwards."""
    require(bool(TEST_DATABASE_URL), "the production setup needs PostgreSQL: set TEST_DATABASE_URL")
    server = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"{server.database}_production"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_db() -> Iterator[int]:
    """REDIS_DB on 127.0.0.1:6379, empty at the start and emptied at the end."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        require(False, f"the production setup needs Redis on 127.0.0.1:6379 ({exc})")
    client.flushdb()
    try:
        yield REDIS_DB
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def mailbox() -> Iterator[tuple[int, SmtpSink]]:
    """An aiosmtpd server on 127.0.0.1 (a free port) keeping what it receives."""
    sink = SmtpSink()
    controller = EphemeralPortController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller.port, sink
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _login_posts(path: Path) -> dict[str, tuple[str, str]]:
    """Each sign-in attempt in gunicorn's access log, by browser address: (worker pid, status)."""
    served = {}
    if path.exists():
        for line in path.read_text().splitlines():
            pid, address, method, url_path, status = line.split()
            if (method, url_path) == ("POST", "/login"):
                served[address] = (pid, status)
    return served


def _invite_link(sink: SmtpSink, to: str) -> str | None:
    for mail in sink.received:
        if to in mail.rcpt_tos:
            text = mail.message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"https?://\S+/invite/\S+", text)
            assert found, f"no invitation link in:\n{text}"
            return found.group(0)
    return None


def _sign_in(browser: Browser, email: str, password: str, address: str = "") -> int:
    token = browser.csrf_token("/login")
    form = {"csrf_token": token, "email": email, "password": password}
    return browser.post("/login", form, address).status


def _admin_invites_an_organisation(admin: Browser, admin_email: str) -> None:
    """The first admin signs in and creates an organisation, inviting its first partner admin."""
    assert _sign_in(admin, admin_email, ADMIN_PASSWORD) == 302
    form = {
        "csrf_token": admin.csrf_token("/staff/orgs/new"),
        "name": ORG_NAME,
        "website": "https://northwind.example",
        "partner_type": "referral",
        "tier": "registered",
        "admin_email": PARTNER_EMAIL,
    }
    created = admin.post("/staff/orgs/new", form)
    assert created.status == 302, created.text
    org_page = admin.get(urlsplit(created.location).path)
    assert f"invitation sent to {PARTNER_EMAIL}" in org_page.text


def _partner_accepts_and_signs_in(partner: Browser, invite_path: str) -> None:
    """Accept the invitation, sign out, sign in with the new password (one counted attempt)."""
    accept = {
        "csrf_token": partner.csrf_token(invite_path),
        "name": "Pat Lee",
        "job_title": "Partner manager",
        "password": PARTNER_PASSWORD,
        "confirm": PARTNER_PASSWORD,
    }
    assert partner.post(invite_path, accept).status == 302
    assert ORG_NAME in partner.get("/").text
    assert partner.post("/logout", {"csrf_token": partner.csrf_token("/")}).status == 302
    assert '<span class="nav-user">' not in partner.get("/login").text
    assert _sign_in(partner, PARTNER_EMAIL, PARTNER_PASSWORD) == 302
    assert '<span class="nav-user">Pat Lee</span>' in partner.get("/").text


def _sixth_attempt_is_refused(attacker: Browser) -> None:
    """Four wrong passwords after the partner's sign-in; the sixth attempt is refused.

    The first wrong attempt holds one worker (all but its last byte sent) while the next three
    are made: the listening socket hands connections out in order, so those land on other
    workers and no worker serves all five attempts. Only a count shared through Redis refuses
    the sixth, even with the right password. Each attempt comes from its own address, so the
    per-address limit plays no part.
    """
    wrong = {"csrf_token": attacker.csrf_token("/login"), "email": PARTNER_EMAIL}
    held = attacker.hold_post("/login", {**wrong, "password": "wrong 1"}, "198.51.100.1")
    for n in (2, 3, 4):
        attempt = attacker.post("/login", {**wrong, "password": f"wrong {n}"}, f"198.51.100.{n}")
        assert attempt.status == 422
    assert held.finish().status == 422
    refused = attacker.post("/login", {**wrong, "password": PARTNER_PASSWORD}, "198.51.100.6")
    assert refused.status == 429
    assert "Too many attempts" in refused.text


def test_readme_production_setup_runs_and_shares_login_limits(
    tmp_path: Path, database_url: sa.URL, redis_db: int, mailbox: tuple[int, SmtpSink]
) -> None:
    smtp_port, sink = mailbox
    http_port = _free_port()
    password_file = tmp_path / "admin-password"
    password_file.write_text(ADMIN_PASSWORD + "\n")
    first_line, text = deploy_block.read_block()
    block = deploy_block.on_loopback(
        deploy_block.parse_block(text, first_line),
        deploy_block.Loopback(
            secret_key=secrets.token_hex(32),
            http_port=http_port,
            database_url=database_url,
            redis_db=redis_db,
            smtp_port=smtp_port,
            password_file=password_file,
            bin_dir=Path(sys.executable).parent,
        ),
    )
    create_admin = block.find("flask", "users", "create-admin")
    admin_email = create_admin_command.make_context(
        "create-admin", list(create_admin.argv[3:]), resilient_parsing=True
    ).params["email"]
    workers = int(block.find("gunicorn").option("-w", "--workers") or 1)
    assert workers >= 2, "README.md: gunicorn needs two workers or more to share login limits"
    access_log = tmp_path / "access.log"
    env = operator_env(block.env)
    env["GUNICORN_CMD_ARGS"] = (
        f"--access-logfile {access_log} --access-logformat '{ACCESS_LOG_FORMAT}'"
    )
    services = Services(env, tmp_path)
    try:
        for command in block.commands:
            if command.is_service:
                services.start(command)
            else:
                services.run(command)
        assert any(c.program == "gunicorn" for c, _, _ in services.started), "no gunicorn"
        assert any(c.program == "flask" for c, _, _ in services.started), "no outbox worker"

        def healthy() -> bool:
            services.check_running()
            try:
                return Browser(http_port, "203.0.113.1").get("/healthz").status == 200
            except OSError:
                return False

        wait_for("gunicorn to answer /healthz", healthy, 60, services.logs_text)

        _admin_invites_an_organisation(Browser(http_port, "203.0.113.10"), admin_email)
        link = wait_for(
            "`flask outbox run` to deliver the invitation over SMTP",
            lambda: services.check_running() or _invite_link(sink, PARTNER_EMAIL),
            60,
            services.logs_text,
        )
        assert link.startswith(block.env["BASE_URL"] + "/invite/")
        partner = Browser(http_port, "203.0.113.20")
        _partner_accepts_and_signs_in(partner, urlsplit(link).path)
        _sixth_attempt_is_refused(Browser(http_port, "198.51.100.1"))
        attempts = ["203.0.113.20", *(f"198.51.100.{n}" for n in (1, 2, 3, 4, 6))]

        def all_logged() -> dict[str, tuple[str, str]] | None:
            served = _login_posts(access_log)
            return served if all(a in served for a in attempts) else None

        # The access log shows which worker served each attempt: the count was shared.
        served = wait_for("the access log", all_logged, 10, services.logs_text)
        counted = Counter(served[address][0] for address in attempts[:5])
        assert served["198.51.100.1"][0] not in {served[f"198.51.100.{n}"][0] for n in (2, 3, 4)}
        assert len(counted) >= 2 and max(counted.values()) < 5, counted
        worker, status = served["198.51.100.6"]
        assert status == "429" and counted[worker] < 5, (worker, counted)
    finally:
        services.stop_all()
