"""Hostile input: 100 KB values in every free-text field of every form, timed on the server.

    .venv/bin/python bench/hostile_input.py              # every route, 3 runs per value
    .venv/bin/python bench/hostile_input.py --repeat 1   # quicker, noisier

Budget (hardening issue, item 1): with a 100 KB value, no field takes more than 5 times an
ordinary rejection of the same form, and nothing answers 5xx. The exit code is 1 when a field
is over budget, so CI or a person can run it. Each value is also sent cut to the longest the
size limits let reach the view (MAX_QUERY_STRING_LENGTH, MAX_FORM_MEMORY_SIZE); those times
are printed beside, not judged (a 5xx there fails): on the smallest forms most of their time
is Werkzeug decoding the percent-escapes, about 0.1 ms per kilobyte.

How: the app runs on a temporary SQLite file with the test fixture content and the route table's
own world (tests/test_access.py). Forms are found, not listed: every route of `app.url_map` is
called at its example URL from tests/test_access.py as each role until one is let through, and
the request's argument storage records every query argument and form field the view reads. Each
of those names is then sent alone with an ordinary wrong value ("x": the form answers with a
message) and with each hostile value: a 100,000-character run of each of a dozen characters
after a digit and before a "!", near matches of each format (a phone number, an amount, a
website, an e-mail address, a reference, Markdown, initials), control characters and 5,000
digits. GET forms get the value in the query string, the rest in a form body.

Time is measured around the WSGI call (parsing, the view, rendering; the test client's own
encoding is done before). Figures are this thread's CPU time, best of `--repeat` runs: other
work on the machine does not inflate them the way it inflates wall-clock time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask, g  # noqa: E402
from werkzeug.datastructures import ImmutableMultiDict  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.conftest import FIXTURE_CONTENT, sign_in  # noqa: E402
from tests.hostile_values import HUGE_DIGITS, long_runs, near_matches  # noqa: E402
from tests.test_access import ACCESS, World, _build_world  # noqa: E402

BUDGET_RATIO = 5.0
LENGTH = 100_000
ROLES = ("anonymous", "partner_admin", "partner_user", "staff", "admin")
ORDINARY = "x"


def hostile_values(length: int = LENGTH) -> list[tuple[str, str]]:
    """(label, value) for every hostile value the bench sends."""
    values = [(f'"1" + {length:,} x {ch!r} + "!"', v) for ch, v in zip(
        " 0a.-,_x[(</:\t\n", long_runs(length), strict=True)]  # fmt: skip
    labels = ["phone", "amount", "website", "host", "e-mail", "reference", "markdown", "initials"]
    values += [(f"near match: {label}", v) for label, v in zip(
        labels, near_matches(length), strict=True)]  # fmt: skip
    values += [
        (f"{length:,} control characters", "\x01\x1b\x7f\u202e" * (length // 4)),
        ("5,000 digits", HUGE_DIGITS),
    ]
    return values


class _Recording(ImmutableMultiDict):
    read: ClassVar[set[str]] = set()

    def __getitem__(self, key: Any) -> Any:
        _Recording.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        _Recording.read.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: Any, type: Any = None) -> list[Any]:
        _Recording.read.add(key)
        return super().getlist(key, type=type)


class ServerClock:
    """WSGI middleware: the CPU time of the last request, the response body included."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app
        self.last = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        started = time.thread_time()
        body = b"".join(self.wsgi_app(environ, start_response))
        self.last = time.thread_time() - started
        return [body]


def _forget_request_globals() -> None:
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@dataclass
class Form:
    """A route that reads request data, the role it lets through and the names it reads."""

    endpoint: str
    method: str
    path: str
    role: str
    names: list[str]


@dataclass
class Slowest:
    """The slowest of a set of requests: its time (ms), which value, and the status."""

    ms: float = 0.0
    label: str = ""
    status: int = 0
    server_error: bool = False  # any of them answered 5xx

    def add(self, seconds: float, status: int, label: str) -> None:
        if seconds * 1000 > self.ms:
            self.ms, self.label, self.status = seconds * 1000, label, status
        self.server_error = self.server_error or status >= 500


@dataclass
class FieldResult:
    form: Form
    name: str
    ordinary_ms: float
    full: Slowest  # the 100 KB values: the budget
    cut: Slowest  # cut to the longest that reaches the view: shown, 5xx fails

    def ratio(self, slowest: Slowest) -> float:
        return slowest.ms / self.ordinary_ms if self.ordinary_ms else float("inf")

    @property
    def ok(self) -> bool:
        return (
            self.ratio(self.full) <= BUDGET_RATIO
            and not self.full.server_error
            and not self.cut.server_error
        )


class Bench:
    def __init__(self, app: Flask, world: World, repeat: int) -> None:
        self.app, self.world, self.repeat = app, world, repeat
        # One app context stays open, so requests share `g`: each starts without the user
        # Flask-Login cached there for the previous one (as tests/conftest.py does).
        app.before_request_funcs.setdefault(None, []).insert(0, _forget_request_globals)
        self.clock = ServerClock(app.wsgi_app)
        app.wsgi_app = self.clock  # type: ignore[method-assign]
        self.clients: dict[str, Any] = {}

    def client(self, role: str) -> Any:
        if role not in self.clients:
            client = self.clients[role] = self.app.test_client()
            if role != "anonymous":
                user = db.session.get(User, self.world.users[role])
                assert user is not None  # the world's users are committed
                sign_in(client, user)
        return self.clients[role]

    def send(self, form: Form, pairs: list[tuple[str, str]]) -> tuple[float, int]:
        """Best-of-repeat server CPU seconds for the form with these values, and the status."""
        encoded = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in pairs)
        best, status = float("inf"), 0
        for _ in range(self.repeat):
            if form.method == "GET":
                response = self.client(form.role).get(f"{form.path}?{encoded}")
            else:
                response = self.client(form.role).open(
                    form.path,
                    method=form.method,
                    data=encoded,
                    content_type="application/x-www-form-urlencoded",
                )
            response.close()
            best, status = min(best, self.clock.last), response.status_code
            if form.endpoint == "accounts.logout":
                self.clients.pop(form.role, None)
        return best, status

    def forms(self) -> list[Form]:
        """Every (route, method) that reads request data, as the first role it lets through."""
        found = []
        original = self.app.request_class
        recording = type("Recording", (original,), {"parameter_storage_class": _Recording})
        self.app.request_class = recording
        try:
            for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.endpoint):
                route = ACCESS.get(rule.endpoint)
                if route is None or rule.endpoint in ("static", "accounts.logout"):
                    continue
                url = urlsplit(route.url.format(**vars(self.world)))
                # Flask gives every rule its methods (None would mean any method).
                for method in sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"}):
                    form = self._probe(rule.endpoint, method, url.path)
                    if form is not None:
                        found.append(form)
        finally:
            self.app.request_class = original
        return found

    def _probe(self, endpoint: str, method: str, path: str) -> Form | None:
        for role in ROLES:
            _Recording.read = set()
            form = Form(endpoint, method, path, role, [])
            _seconds, status = self.send(form, [("_probe", "1")])
            form.names = sorted(_Recording.read - {"_probe", "csrf_token"})
            if status not in (401, 403, 404, 405) and form.names:
                return form
        return None

    def fitting(self, form: Form, name: str, value: str) -> str:
        """The value cut to the longest that the request size limits let reach the view."""
        config = self.app.config
        limit = (
            config["MAX_QUERY_STRING_LENGTH"]
            if form.method == "GET"
            else (config["MAX_FORM_MEMORY_SIZE"])
        )
        room = limit - len(quote(name, safe="")) - 1
        low, high = 0, len(value)
        while low < high:  # the longest prefix whose encoding fits
            middle = (low + high + 1) // 2
            if len(quote(value[:middle], safe="")) <= room:
                low = middle
            else:
                high = middle - 1
        return value[:low]

    def measure(self, form: Form, values: list[tuple[str, str]]) -> list[FieldResult]:
        """Each name: an ordinary wrong value, then every hostile value in full and cut to
        the longest the size limits let through to the view."""
        results = []
        for name in form.names:
            ordinary, _status = self.send(form, [(name, ORDINARY)])
            result = FieldResult(form, name, ordinary * 1000, Slowest(), Slowest())
            for label, full in values:
                result.full.add(*self.send(form, [(name, full)]), label=label)
                cut = self.fitting(form, name, full)
                result.cut.add(
                    *self.send(form, [(name, cut)]), label=f"{label} cut to {len(cut):,}"
                )
            results.append(result)
        return results


def phone_example(bench: Bench, forms: list[Form]) -> str:
    """The issue's example on /referrals/new: "1", 16,000 spaces, "!" in contact_phone."""
    form = next(f for f in forms if f.endpoint == "referrals.new" and f.method == "POST")
    seconds, status = bench.send(form, [("contact_phone", "1" + " " * 16_000 + "!")])
    return f'contact_phone = "1" + 16,000 spaces + "!": {seconds * 1000:.1f} ms, status {status}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per value (best is kept)")
    parser.add_argument("--length", type=int, default=LENGTH, help="characters per value")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as workdir:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "hostile-bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(workdir) / 'bench.sqlite'}",
                "CONTENT_DIR": str(FIXTURE_CONTENT),
                "CONTENT_AUTO_RELOAD": False,
                "WTF_CSRF_ENABLED": False,  # the values must reach the validators
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "log",
                "PROPAGATE_EXCEPTIONS": False,
            }
        )
        with app.app_context():
            db.create_all()
            bench = Bench(app, _build_world(), args.repeat)
            forms = bench.forms()
            values = hostile_values(args.length)
            print(f"{len(forms)} forms, {sum(len(f.names) for f in forms)} fields, "
                  f"{len(values)} hostile values of about {args.length:,} characters, "
                  f"best of {args.repeat}; server CPU time per request")  # fmt: skip
            print(f"{'route':40} {'role':13} {'field':20} {'ordinary':>8} {'100 KB':>8} "
                  f"{'ratio':>5} verdict {'longest':>8} {'ratio':>5}  slowest longest value "
                  "(status)")  # fmt: skip
            failed, worst_cut = 0, 0.0
            for form in forms:
                for r in bench.measure(form, values):
                    failed += not r.ok
                    worst_cut = max(worst_cut, r.ratio(r.cut))
                    print(f"{form.method + ' ' + form.path[:34]:40} {form.role:13} "
                          f"{r.name[:20]:20} {r.ordinary_ms:6.1f}ms {r.full.ms:6.1f}ms "
                          f"{r.ratio(r.full):5.1f} {'PASS' if r.ok else 'FAIL':7} "
                          f"{r.cut.ms:6.1f}ms {r.ratio(r.cut):5.1f}  {r.cut.label} "
                          f"({r.cut.status})", flush=True)  # fmt: skip
            print(phone_example(bench, forms))
            print(
                f"longest values that reach a view: at most {worst_cut:.1f}x an ordinary "
                "rejection (shown, not judged: most of it is decoding the body, ~0.1 ms/KB)"
            )
            verdict = "FAIL" if failed else "PASS"
            print(f"OVERALL {verdict}: {failed} field(s) over {BUDGET_RATIO:g}x an ordinary "
                  "rejection with a 100 KB value, or a 5xx")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
