"""Shared fixtures: the app, clients, factories and a login helper.

Every test that uses `app` runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is
set (the `db_backend` parameter), so the whole suite proves both databases.

The app is built once per configuration and the schema once per database; each test runs in
a transaction rolled back at its end, so it starts on an empty database and may commit freely
(tests/isolation.py explains how). A test that needs other connections, threads or processes
asks for `real_commits`; a module builds an expensive world once with `module_world`.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.db_types import utcnow
from portal.extensions import db
from tests import isolation

T = TypeVar("T")

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
DEMO_CONTENT = Path(__file__).parent.parent / "content"
PASSWORD = "correct horse battery staple"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def require(condition: bool, reason: str) -> None:
    """Skip when something the test needs is absent; in CI, where everything must be there, fail."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Hash test passwords with cheap PBKDF2 instead of scrypt: the suite creates thousands.

    Verification still goes through werkzeug's `check_password_hash`, which reads the method
    from the stored hash, so production code paths are unchanged.
    """
    from werkzeug.security import generate_password_hash

    import portal.accounts.models as account_models

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            account_models,
            "generate_password_hash",
            lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
        )
        yield


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _postgresql_url() -> str:
    """TEST_DATABASE_URL, or under pytest-xdist a database of this worker's own beside it.

    Tests that commit for real empty every table afterwards, so workers must not share one.
    """
    url = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    name = f"{url.database}_{worker}"
    if name not in _worker_databases:
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _worker_databases.add(name)
    return url.set(database=name).render_as_string(hide_password=False)


_worker_databases: set[str] = set()


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite file per session (and per xdist worker): the schema is made once in it."""
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where uploaded files go in tests (never the checkout's instance/ folder)."""
    return str(tmp_path_factory.mktemp("uploads"))


@pytest.fixture
def app_config(db_backend: str, sqlite_database_url: str, upload_dir: str) -> dict[str, Any]:
    """Test settings; override entries in a test module's own `app_config` fixture."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": (
            _postgresql_url() if db_backend == "postgresql" else sqlite_database_url
        ),
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "UPLOAD_DIR": upload_dir,
        "CONTENT_AUTO_RELOAD": False,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "log",
        "DIRECTORY_SITEMAP_CACHE_SECONDS": 0,
        "BASE_URL": "http://portal.test",
        "SERVER_NAME": None,
    }


@pytest.fixture
def real_commits(app_config: dict[str, Any]) -> Iterator[None]:
    """Ask for this when the test needs real commits: threads, a second connection or app.

    Without it every test runs inside one rolled-back transaction on one connection. With it
    the test commits for real (no module world is kept open beside it) and every table is
    emptied afterwards. On PostgreSQL such tests take turns across xdist workers (and test
    runs) through a file lock: the 50-way races open 50 connections each, and two at once
    would pass PostgreSQL's default limit of 100 clients.
    """
    if not str(app_config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        yield
        return
    with (Path(tempfile.gettempdir()) / "flywheel-tests-real-commits.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(autouse=True, scope="module")
def _module_connections(request: pytest.FixtureRequest) -> Iterator[None]:
    """Roll back the worlds a module built (`module_world`) when the module is done."""
    yield
    isolation.close_module_connections(module=request.module.__name__)


@pytest.fixture
def app(app_config: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app for `app_config` (built once per session), its context pushed, on a clean database.

    The database is empty at the start (apart from the module's world, for a test that uses
    `module_world`) and whatever the test commits is rolled back at its end, unless it asked for
    `real_commits`.
    """
    app = isolation.cached_app(app_config)
    with app.app_context():
        if "real_commits" in request.fixturenames:
            with isolation.real_commits():
                yield app
        else:
            uses_world = "module_world" in request.fixturenames
            with isolation.rolled_back(request.module.__name__, uses_world):
                yield app


@pytest.fixture
def module_world(app: Flask) -> Callable[[str, Callable[[], T]], T]:
    """`module_world(key, build)`: build() run once per module and database, then shared.

    The world lives in a transaction rolled back when the module ends, and each test's own
    changes are rolled back at its end, so every test sees the world as built. Let the fixture
    that calls it depend on `app` only (it must run before anything else writes), and return
    plain values (ids, references) rather than ORM objects.
    """
    return isolation.module_world


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_counter = itertools.count(1)


def new_org(
    name: str | None = None,
    partner_type: str = "referral",
    tier: str = "registered",
    status: str = OrgStatus.ONBOARDING,
    **fields: Any,
) -> Organization:
    """An organisation (committed); what the `make_org` fixture makes."""
    org = Organization(
        name=name or f"Partner Co {next(_counter)}",
        partner_type=partner_type,
        tier=tier,
        status=status,
        **fields,
    )
    db.session.add(org)
    db.session.commit()
    return org


def new_user(
    role: str = Role.PARTNER_USER,
    org: Organization | None = None,
    email: str | None = None,
    name: str = "Pat Partner",
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """A user who can sign in with PASSWORD (committed); what the `make_user` fixture makes."""
    user = User(
        email=email or f"user{next(_counter)}@example.com",
        name=name,
        role=role,
        organization=org,
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def make_org(app: Flask):
    """Factory: an organisation (committed)."""
    return new_org


@pytest.fixture
def make_user(app: Flask):
    """Factory: a user who can sign in with PASSWORD (committed)."""
    return new_user


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign a user in by writing the Flask-Login session as a real login would."""
    from portal.extensions import login_manager

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
        session["_id"] = identifier


@pytest.fixture
def login(client: FlaskClient):
    """`login(user)`: sign the user in on the test client without the login form."""

    def do(user: User) -> FlaskClient:
        sign_in(client, user)
        return client

    return do


class QueryCounter:
    """The SQL statements run inside a `count_queries()` block."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter:` counts the SQL statements run inside the block.

    BEGIN and SAVEPOINTs are left out: they delimit transactions (and the tests' rolled-back
    transactions add SAVEPOINTs that production does not have).
    """

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not isolation.TRANSACTION_CONTROL.match(statement):
                counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)

    return counting


def new_certification(
    user: User,
    *,
    path_id: str = "basics",
    age: timedelta = timedelta(days=1),
    valid: timedelta | None = timedelta(days=365),
    revoked: bool = False,
    organization_id: int | None = None,
):
    """A committed certification issued `age` ago, valid for `valid` (None: forever)."""
    from portal.learning.certificates import new_verification_code
    from portal.learning.models import Certification

    issued = utcnow() - age
    cert = Certification(
        user_id=user.id,
        organization_id=organization_id or user.organization_id,
        path_id=path_id,
        certificate_name="Certified Basics Partner",
        code=new_verification_code(),
        issued_at=issued,
        expires_at=None if valid is None else issued + valid,
        revoked_at=utcnow() - timedelta(hours=1) if revoked else None,
        revoked_reason="Internal note: shared answers" if revoked else None,
    )
    db.session.add(cert)
    db.session.commit()
    return cert


@pytest.fixture
def make_certification(app: Flask):
    """Factory: a committed certification issued `age` ago, valid for `valid` (None: forever)."""
    return new_certification


def referral_input(**fields: Any):
    """A valid ReferralInput for the fixture program; override any field."""
    from portal.referrals.service import ReferralInput

    n = next(_counter)
    values: dict[str, Any] = {
        "company_name": f"Northwind Traders {n}",
        "company_website": f"https://www.northwind-{n}.co.uk",
        "contact_name": "Dana Whitfield",
        "contact_email": f"dana@northwind-{n}.co.uk",
        "contact_phone": "",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value_minor": 4_800_000,
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "Forecasts live in spreadsheets; they want one pipeline view.",
        "involvement": "sourced",
        "idempotency_key": f"key-{n}",
    }
    values.update(fields)
    return ReferralInput(**values)


def new_referral(user: User, *, now: datetime | None = None, **fields: Any):
    """A referral submitted through the real service by `user` (committed)."""
    from portal.content_runtime import current_content
    from portal.referrals.service import submit_referral

    submission = submit_referral(user, referral_input(**fields), current_content().program, now=now)
    db.session.commit()
    return submission.referral


def new_won_referral(user: User, staff: User, deal_value_minor: int = 10_000_000, **fields: Any):
    """A referral by `user` marked won with `deal_value_minor` USD, and its commission."""
    from portal.content_runtime import current_content
    from portal.referrals.commission_lifecycle import create_commission

    referral = new_referral(user, **{"involvement": "sourced", **fields})
    referral.status = "won"
    referral.deal_value_minor = deal_value_minor
    referral.deal_currency = "USD"
    referral.closed_at = utcnow()
    commission = create_commission(referral, staff, current_content().program)
    db.session.commit()
    return referral, commission


@pytest.fixture
def make_referral(app: Flask):
    """Factory: a referral submitted through the real service by `user` (committed)."""
    return new_referral


@pytest.fixture
def make_won_referral(app: Flask, make_referral):
    """Factory: a referral by `user` marked won with `deal_value_minor` USD, and its commission."""
    return new_won_referral


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """moto's standalone server on 127.0.0.1 (a free port): its URL, stopped afterwards."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy AWS credentials, and no real AWS configuration read from this machine."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, user_or_email: User | str, password: str = PASSWORD, **extra: Any):
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def partner_org(make_org) -> Organization:
    return make_org(name="Acme Referrals", partner_type="referral")


@pytest.fixture
def partner_user(make_user, partner_org) -> User:
    return make_user(Role.PARTNER_USER, partner_org, email="pat@acme.example", name="Pat Lee")


@pytest.fixture
def partner_admin(make_user, partner_org) -> User:
    return make_user(Role.PARTNER_ADMIN, partner_org, email="alex@acme.example", name="Alex Kim")


@pytest.fixture
def other_org(make_org) -> Organization:
    return make_org(name="Globex Resellers", partner_type="reseller")


@pytest.fixture
def other_partner(make_user, other_org) -> User:
    return make_user(Role.PARTNER_ADMIN, other_org, email="olga@globex.example", name="Olga Ruiz")


@pytest.fixture
def staff_user(make_user) -> User:
    return make_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user(Role.ADMIN, None, email="ada@vendor.example", name="Ada Admin")


# The files that run longest, started first: with `--dist loadfile` each file runs whole on one
# worker, and a long file collected last (tests/test_*.py come after every folder) would leave
# the other core idle at the end of the run. Longest first keeps both busy until the end.
LONGEST_FIRST = (
    "tests/test_hostile_sweep.py",
    "tests/test_patterns.py",
    "tests/browser/test_referral_journey.py",
    "tests/browser/test_journey.py",
    "tests/browser/test_insights.py",
    "tests/referrals/test_concurrency_sqlite.py",
    "tests/test_demo.py",
    "tests/test_access.py",
    "tests/test_boundaries.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    root = Path(__file__).resolve().parent.parent

    def order(item: pytest.Item) -> int:
        path = Path(str(item.fspath)).resolve().relative_to(root).as_posix()
        return rank.get(path, len(LONGEST_FIRST))

    items.sort(key=order)  # stable: within a file and among the rest, the collected order
