"""Every route, as every role, with hostile input: never a 5xx, and a refused request changes
no row.

The sweep walks `app.url_map`, so a new route is covered the day it is added. Each route is
called at its example URL from tests/test_access.py (real ids from the `world` there), first
once plainly to learn which query arguments and form fields the view reads (the request's
argument storage records every name looked up), then with Hypothesis-drawn requests: those
names and a few others filled with hostile values (numbers out of range, 100 KB runs, NUL and
control characters, invalid UTF-8 escapes, repeated names), a URL segment replaced, a JSON or
multipart body where a form is expected, raw bytes, and methods the route does not take.

"Refused" is a status of 400 or more or a redirect to sign in; after such a request
every table holds exactly the rows it held before (compared whenever the request wrote).
Each name the view reads is also sent alone as 2**80 (past any database integer). The number
of drawn examples per route and role is bounded (HOSTILE_SWEEP_EXAMPLES, default 3; a
role the route turns away at the door gets one request with every name hostile) and each has
its own fixed seed, so CI sends the same requests every run.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule

from portal.extensions import db
from tests import test_access
from tests.access_helpers import ROLES
from tests.conftest import sign_in
from tests.hostile_values import HUGE_DIGITS, PATH_SEGMENTS, Raw, hostile_value
from tests.test_access import ACCESS, World

world = test_access.world  # the access test's fixture: organisations, users, referrals, ids

EXAMPLES = int(os.environ.get("HOSTILE_SWEEP_EXAMPLES", "3"))
PAST_64_BITS = str(2**80)
WRONG_METHODS = ("PUT", "DELETE", "PATCH")
EXTRA_NAMES = ("id", "next", "page", "q", "csrf_token")
# Valid submissions of the forms with many required fields, so that one hostile field among
# valid ones reaches the code behind the form (the rest of the bodies come from ACCESS).
VALID_BODIES: dict[str, dict[str, str]] = {
    "referrals.new": {
        "company_name": "Northwind Traders",
        "company_website": "northwind.example.com",
        "contact_name": "Dana Whitfield",
        "contact_email": "dana@northwind.example.com",
        "contact_phone": "+44 20 7946 0958",
        "contact_role": "VP Revenue",
        "region": "Europe",
        "estimated_value": "48,000",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "One pipeline view.",
        "involvement": "sourced",
        "consent": "y",
        "idempotency_key": "0123456789abcdef0123456789abcdef",
    },
    "questions.new": {
        "topic": "commissions",
        "subject": "Payout date",
        "body": "When is the payout?",
        "about": "page:rules",
    },
    "staff_questions.answer": {"body": "On the 15th.", "outcome": "answered", "worth_faq": "y"},
    "directory.send_contact": {
        "name": "Vera Visitor",
        "company": "Buyer Ltd",
        "email": "vera@buyer.example",
        "country": "de",
        "message": "We need dashboards.",
        "nickname": "",
    },
    "directory_partner.edit": {
        "listed": "y",
        "description": "We *implement*.",
        "website": "https://acme.example",
        "regions": "Europe",
        "countries": "de",
    },
    "staff.org_new": {
        "name": "Hooli",
        "website": "https://hooli.example.com",
        "partner_type": "referral",
        "tier": "registered",
        "admin_email": "gavin@hooli.example.com",
    },
    "accounts.login": {"email": "pat@acme.example", "password": "wrong password"},
    "accounts.reset_request": {"email": "pat@acme.example"},
    "accounts.invite": {"name": "Nia New", "password": "long enough passphrase", "confirm": ""},
    "accounts.team_invite": {"email": "new.person@acme.example", "role": "partner_user"},
    "staff.invite": {"email": "new.person@acme.example", "role": "partner_user"},
    "customers.add": {"website_or_domain": "initrode.com", "name": "Initrode"},
    "comarketing.new": {
        "title": "Joint webinar e-mail",
        "channel": "email",
        "planned_on": "2027-04-01",
        "kit": "",
        "url": "https://preview.example.com/webinar",
    },
    "comarketing_staff.decide": {"decision": "changes_requested", "comment": "Shorter, please."},
    "staff_compliance.approve": {"expires_on": "2030-01-01"},
    "staff_compliance.reject": {"reason": "The scan is unreadable."},
    "mdf.new": {
        "activity_type": "event",
        "title": "Breakfast briefing",
        "activity_date": "2026-12-01",
        "description": "Twenty IT leaders.",
        "amount": "2500",
        "expected_attendees": "20",
    },
    "mdf.claim": {"amount": "2500", "attendees": "20", "referrals": "R-000001"},
    "webhooks.endpoints": {
        "url": "https://crm.example.com/hooks/flywheel",
        "event_types": "referral.submitted",
        "description": "The CRM",
    },
    # Saved switched off, so nothing is fetched (".invalid" never resolves if a case turns it on).
    **{
        endpoint: {
            "issuer": "https://login.acme.invalid",
            "client_id": "portal",
            "client_secret": "s3cret-value",
            "domains": "acme.example",
        }
        for endpoint in ("sso.partner_settings", "sso.org_settings", "sso.staff_settings")
    },
    "accounts.login_email": {"email": "pat@acme.example"},
}

# Refused on purpose with a change: submitting an attempt made for older content voids it
# (portal/learning/views.py, "a stale attempt now voided"), and says so with a 409.
INTENDED_CHANGES: dict[str, set[str]] = {"learning.submit_attempt": {"quiz_attempts"}}

SWEEP_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,  # each route has its own @seed instead, so routes differ yet repeat
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate),
    print_blob=False,
)


# --- which names a view reads ---------------------------------------------------------------


class _RecordingArgs(ImmutableMultiDict):
    """request.args / request.form that remember every name the view looked up."""

    read: ClassVar[set[str]] = set()

    def __getitem__(self, key: Any) -> Any:
        _RecordingArgs.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        _RecordingArgs.read.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: Any, type: Any = None) -> list[Any]:
        _RecordingArgs.read.add(key)
        return super().getlist(key, type=type)


@contextmanager
def recording(app: Flask) -> Iterator[set[str]]:
    """Within the block, requests record the argument and field names they read."""
    original = app.request_class
    app.request_class = type("RecordingRequest", (original,), {
        "parameter_storage_class": _RecordingArgs
    })  # fmt: skip
    _RecordingArgs.read = set()
    try:
        yield _RecordingArgs.read
    finally:
        app.request_class = original


# --- one hostile request ------------------------------------------------------------------------


@functools.lru_cache(maxsize=512, typed=True)
def _quoted(value: str) -> str:
    # Cached: the same 100 KB values come back, and quoting one costs more than sending it.
    return value if isinstance(value, Raw) else quote(value, safe="")


def _encode(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in pairs)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}…({len(text):,} chars)…{text[-10:]}"


@dataclass(frozen=True)
class Case:
    """One request: method, path (already encoded), query and body."""

    method: str
    path: str
    query: list[tuple[str, str]]
    body: str  # "none", "form", "json", "multipart" or "bytes"
    fields: list[tuple[str, str]] = field(default_factory=list)
    payload: Any = None  # the JSON value, or the bytes of the file / raw body

    def __repr__(self) -> str:
        query = ", ".join(f"{n}={_short(v)}" for n, v in self.query)
        fields = ", ".join(f"{n}={_short(v)}" for n, v in self.fields)
        return (
            f"{self.method} {_short(self.path)}?{query} body={self.body}[{fields}]"
            f"{' ' + _short(self.payload) if self.payload is not None else ''}"
        )

    def send(self, client: Any) -> Any:
        """The response of the app to this request."""
        url = self.path + (f"?{_encode(self.query)}" if self.query else "")
        kwargs: dict[str, Any] = {}
        if self.body == "form":
            kwargs = {"data": _encode(self.fields), "content_type": _FORM}
        elif self.body == "json":
            kwargs = {"data": json.dumps(self.payload), "content_type": "application/json"}
        elif self.body == "multipart":
            data: dict[str, Any] = {}
            for name, value in self.fields:
                data.setdefault(name, []).append(str(value))
            name = self.fields[0][0] if self.fields else "file"
            data.setdefault(name, []).append((io.BytesIO(self.payload), "hostile.csv"))
            kwargs = {"data": data, "content_type": "multipart/form-data"}
        elif self.body == "bytes":
            kwargs = {"data": self.payload, "content_type": _FORM}
        return client.open(url, method=self.method, **kwargs)


_FORM = "application/x-www-form-urlencoded"
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_JSON = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), _SCALARS | st.lists(_SCALARS, max_size=2), max_size=3),
)
_BYTES = st.sampled_from(
    [
        b"\xff\xfe\x00\x01" * 1000,
        b"name,domain\n" + b"\x00,\xff\n" * 2000,
        b"name,website\n" + b"A" * 100_000 + b",a.com\n",
        b"a=" + b"%" * 1000 + b"&b=%ff%fe",
        b"\r\n".join([b"name,domain", *(b"Co %d,c%d.example.com" % (i, i) for i in range(3000))]),
    ]
)


@dataclass
class Target:
    """A route at its example URL, and what the view reads there."""

    rule: Rule
    path: str
    query: list[tuple[str, str]]
    base: dict[str, str]  # a body that passes the form, where we know one
    names: list[str]
    turned_away: bool  # the role is refused before the view reads anything


def _template(rule: Rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


@st.composite
def cases(draw: st.DrawFn, target: Target) -> Case:
    """A hostile request for the target's route.

    Hypothesis tries the simplest draw first: here that is the route's own method with every
    name the view reads set to 5,000 digits, the likeliest input to break a parser.
    """
    methods = sorted(target.rule.methods - {"HEAD", "OPTIONS"})
    if draw(st.integers(0, 9)) == 9:
        method = draw(st.sampled_from([*WRONG_METHODS, "GET", "POST"]))
    else:
        method = draw(st.sampled_from(methods))
    path = target.path
    if target.rule.arguments and draw(st.booleans()):
        adapter_values = _path_values(target)
        name = draw(st.sampled_from(sorted(target.rule.arguments)))
        adapter_values[name] = draw(st.sampled_from(PATH_SEGMENTS))
        path = _template(target.rule).format(**adapter_values)
    # A few pairs that may repeat a name (one value may be 100 KB), or every name the view
    # reads with a short hostile value each.
    names = st.sampled_from([*target.names, *EXTRA_NAMES])
    hostile_pairs = st.lists(st.tuples(names, hostile_value()), min_size=1, max_size=3)
    query = list(target.query)
    if method == "GET" or draw(st.booleans()):
        query = (
            draw(hostile_pairs)
            if draw(st.booleans())
            else [*query, *((n, draw(hostile_value(long=False))) for n in target.names)]
        )
    if method == "GET":
        return Case(method, path, query, "none")
    body = draw(st.sampled_from(["form", "form", "form", "json", "multipart", "bytes", "none"]))
    if body == "json":
        return Case(method, path, query, body, payload=draw(_JSON))
    if body == "bytes":
        return Case(method, path, query, body, payload=draw(_BYTES))
    # One hostile field among valid ones, or every field the view reads hostile.
    fields = dict(target.base)
    if draw(st.booleans()) and target.names:
        fields[draw(st.sampled_from(target.names))] = draw(hostile_value())
        pairs = list(fields.items())
    else:
        pairs = [*fields.items(), *((n, draw(hostile_value(long=False))) for n in target.names)]
        pairs += draw(hostile_pairs)  # names repeated, and names the view does not read
    payload = draw(_BYTES) if body == "multipart" else None
    return Case(method, path, query, body, pairs, payload)


def _path_values(target: Target) -> dict[str, str]:
    adapter = target.rule.map.bind("localhost")
    method = sorted(target.rule.methods - {"HEAD", "OPTIONS"})[0]
    _endpoint, values = adapter.match(target.path, method=method)
    return {name: quote(str(value), safe="") for name, value in values.items()}


def _sent_to_sign_in(response: Any) -> bool:
    """Flask-Login's answer to a page that needs a signed-in user: the login page with `next`.

    Signing out and asking for a reset link also end on the login page, without `next`.
    """
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and "/login?next=" in location


# --- the sweep ----------------------------------------------------------------------------------


class Sweep:
    """Sends the hostile requests, role by role, and collects what went wrong."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.role = "anonymous"
        self.clients: dict[str, Any] = {}
        self.wrote = False
        self.tables = self._snapshot()
        self.failures: list[str] = []
        self.requests = 0

    def _snapshot(self) -> dict[str, int]:
        """A hash of every table's rows, read through the session the requests use (so rows a
        test keeps in an outer transaction are seen too)."""
        hashes = {}
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
            hashes[table.name] = zlib.crc32("\n".join(rows).encode())
        return hashes

    def note_write(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        """Engine hook: a statement that may change rows ran (the tables are compared then)."""
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.wrote = True

    def client(self) -> Any:
        """The role's client, signed in once (again after it signed itself out)."""
        client = self.clients.get(self.role)
        if client is None:
            client = self.clients[self.role] = self.app.test_client()
            if self.role != "anonymous":
                sign_in(client, self.world.users[self.role])
        return client

    def target(self, rule: Rule) -> Target | None:
        """The route at its example URL; plain requests there record the names it reads."""
        route = ACCESS.get(rule.endpoint)
        if route is None:
            return None  # tests/test_access.py fails for a route without an entry
        url = urlsplit(route.url.format(**vars(self.world)))
        query = [(n, v) for n, _, v in (p.partition("=") for p in url.query.split("&") if p)]
        base = {**(route.data or {}), **VALID_BODIES.get(rule.endpoint, {})}
        turned_away = []
        with recording(self.app) as read:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    probe = Case(method, url.path, [*query, ("_probe", "1")], "none")
                else:
                    probe = Case(method, url.path, query, "form", [*base.items(), ("_probe", "1")])
                response = self.request(probe, rule.endpoint)
                turned_away.append(
                    response is not None
                    and (response.status_code in (401, 403) or _sent_to_sign_in(response))
                )
        names = sorted(read - {"_probe"}) or sorted(base)
        return Target(rule, url.path, query, base, names, all(turned_away))

    def request(self, case: Case, endpoint: str) -> Any:
        """Send the case; note a 5xx, and a refused request that changed a row."""
        self.wrote = False
        self.requests += 1
        try:
            response = case.send(self.client())
        except Exception as error:  # TESTING propagates what would be a 500 in production
            db.session.rollback()
            self.failures.append(f"{self.role}: {type(error).__name__}: {error} for {case!r}")
            return None
        response.close()
        if endpoint == "accounts.logout" or response.status_code == 401:
            self.clients.pop(self.role, None)
        refused = response.status_code >= 400 or _sent_to_sign_in(response)
        if response.status_code >= 500:
            self.failures.append(f"{self.role}: {response.status_code} for {case!r}")
        if self.wrote:
            tables = self._snapshot()
            changed = {name for name, h in tables.items() if self.tables[name] != h}
            changed -= INTENDED_CHANGES.get(endpoint, set())
            if refused and changed:
                self.failures.append(
                    f"{self.role}: {response.status_code} (refused) changed {sorted(changed)} "
                    f"for {case!r}"
                )
            self.tables = tables
        return response

    def run(self, rule: Rule, role: str) -> None:
        """The route's hostile requests as `role` (fewer when the role is turned away)."""
        self.role = role
        target = self.target(rule)
        if target is None:
            return
        if target.turned_away:
            # Turned away before the view reads anything: one request with every name hostile.
            hostile_pairs = [(name, HUGE_DIGITS) for name in target.names]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                body = "none" if method == "GET" else "json"
                self.request(Case(method, target.path, hostile_pairs, body, [], [1]), rule.endpoint)
            return

        @seed(zlib.crc32(f"{rule.endpoint} {rule.rule} {role}".encode()))
        @settings(SWEEP_SETTINGS, max_examples=EXAMPLES)
        @given(case=cases(target))
        def hostile(case: Case) -> None:
            self.request(case, rule.endpoint)

        # Besides what Hypothesis draws: each name alone past a 64-bit integer (the database's
        # range), the others as the example has them, so a form's other checks pass.
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        for name in target.names:
            if method == "GET":
                query = [*(p for p in target.query if p[0] != name), (name, PAST_64_BITS)]
                hostile = example(case=Case(method, target.path, query, "none"))(hostile)
            else:
                fields = [*{**target.base, name: PAST_64_BITS}.items()]
                hostile = example(case=Case(method, target.path, target.query, "form", fields))(
                    hostile
                )

        hostile()


def test_hostile_requests_never_fail_and_refused_ones_change_nothing(
    app: Flask, world: World
) -> None:
    sweep = Sweep(app, world)
    sa.event.listen(db.engine, "before_cursor_execute", sweep.note_write)
    try:
        for role in ROLES:
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
                sweep.run(rule, role)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", sweep.note_write)
    assert sweep.requests > 500  # every route, every role, probes and hostile cases
    assert not sweep.failures, "\n".join(sweep.failures[:40])


def test_the_sweep_reports_a_5xx_and_a_refused_request_that_wrote(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's own checks fail where they should: two views swapped for misbehaving ones
    (swapped, not added: the app may be shared with other tests)."""
    from flask import abort

    from portal.accounts.models import User

    def writes_then_refuses():
        db.session.get(User, world.bystander_id).name = "changed by a refused request"
        db.session.commit()
        abort(400)

    def crashes():
        return str(int("9" * 5000))

    monkeypatch.setitem(app.view_functions, "accounts.logout", writes_then_refuses)
    monkeypatch.setitem(app.view_functions, "main.healthz", crashes)
    sweep = Sweep(app, world)
    sa.event.listen(db.engine, "before_cursor_execute", sweep.note_write)
    try:
        sweep.request(Case("POST", "/logout", [], "form", [("a", "b")]), "accounts.logout")
        sweep.request(Case("GET", "/healthz", [], "none"), "main.healthz")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", sweep.note_write)
    assert len(sweep.failures) == 2
    assert "400 (refused) changed ['users']" in sweep.failures[0]
    assert "ValueError: Exceeds the limit (4300 digits)" in sweep.failures[1]
