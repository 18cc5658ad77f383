"""Time the referral and inbox pages through the Flask test client and count their statements.

Same method as bench/_measure.py (whose StatementCounter and PageResult this reuses):
`perf_counter` around `client.get/post`, a `before_cursor_execute` listener reset before each
request. Budgets of issue 3: median <= 30 ms, p95 <= 60 ms, <= 12 statements per request.
"""

from __future__ import annotations

import html
import math
import re
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from werkzeug.test import TestResponse

from bench._measure import PageResult, StatementCounter
from bench._referrals_seed import ReferralSeed
from portal.extensions import db
from portal.referrals.models import Referral

BUDGET_MEDIAN_MS = 30.0
BUDGET_P95_MS = 60.0
BUDGET_STATEMENTS = 12
DEEP_PAGE = 500
FILTERED_URL = "/inbox/?status=open&region=Europe&sla=overdue"
_NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


@dataclass
class ReferralPageResult(PageResult):
    """A page's timings with the referral budgets, and the part spent waiting for SQL."""

    note: str = ""
    sql_ms: list[float] = field(default_factory=list)

    @property
    def sql_median_ms(self) -> float:
        return statistics.median(self.sql_ms) if self.sql_ms else math.nan

    @property
    def passed(self) -> bool:
        return (
            not self.error
            and bool(self.times_ms)
            and self.median_ms <= BUDGET_MEDIAN_MS
            and self.p95_ms <= BUDGET_P95_MS
            and self.statements_max <= BUDGET_STATEMENTS
        )


class SqlTimer:
    """Wall time spent inside the driver's execute calls (the query, not the rendering)."""

    def __init__(self, engine: sa.Engine):
        self.seconds = 0.0
        self.engine = engine
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: object) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *_args: object) -> None:
        if self._started:
            self.seconds += time.perf_counter() - self._started.pop()

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)


class ReferralBench:
    """Signs in as the seeded staff or partner users and measures the pages."""

    def __init__(self, app: Flask, seeded: ReferralSeed, requests: int, warmup: int):
        self.app = app
        self.seeded = seeded
        self.requests = requests
        self.warmup = warmup
        self.client: FlaskClient = app.test_client()
        with app.app_context():
            self.counter = StatementCounter(db.engine)
            self.sql = SqlTimer(db.engine)
        with app.test_request_context(environ_base=self.client.environ_base):
            self._identifier = _create_identifier()

    def close(self) -> None:
        self.counter.close()
        self.sql.close()

    def sign_in(self, session_token: str) -> None:
        with self.client.session_transaction() as session:
            session.clear()
            session["_user_id"] = session_token
            session["_fresh"] = True
            session["_id"] = self._identifier

    def _timed(
        self, result: ReferralPageResult, call: Callable[[], TestResponse], record: bool
    ) -> TestResponse:
        self.counter.count = 0
        self.sql.seconds = 0.0
        cpu_started = time.process_time()
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        if record:
            result.times_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            result.statements.append(self.counter.count)
            result.sql_ms.append(self.sql.seconds * 1000)
        return response

    def measure_get(self, page: str, urls: list[str], note: str = "") -> ReferralPageResult:
        """`warmup` + `requests` GETs, cycling through `urls`; any non-200 stops the page."""
        result = ReferralPageResult(page, urls[0] if len(urls) == 1 else f"{urls[0]} (+ others)")
        result.note = note
        for number in range(self.warmup + self.requests):
            url = urls[number % len(urls)]
            response = self._timed(
                result, partial(self.client.get, url), record=number >= self.warmup
            )
            if response.status_code != 200:
                result.error = f"GET {url} answered {response.status_code}"
                break
        return result

    def deep_page_url(self, depth: int) -> tuple[str, int]:
        """Follow the inbox's "Next page" link up to `depth` - 1 times; (url, page reached)."""
        url, page = "/inbox/", 1
        while page < depth:
            body = self.client.get(url).get_data(as_text=True)
            found = _NEXT_LINK.search(body)
            if found is None:
                break
            url, page = html.unescape(found.group(1)), page + 1
        return url, page

    def measure_submissions(self) -> ReferralPageResult:
        """POST /referrals/new: mostly new companies, some registered ones, some customers."""
        result = ReferralPageResult("submission (POST)", "/referrals/new")
        seeded = self.seeded
        created_before = self._referral_count()
        conflicts = 0
        for number in range(self.warmup + self.requests):
            self.sign_in(seeded.partner_tokens[number % len(seeded.partner_tokens)])
            kind = number % 10
            if kind in (3, 7) and seeded.registered_domains:
                domain = seeded.registered_domains[number % len(seeded.registered_domains)]
                conflicts += 1
            elif kind == 5 and seeded.customer_domains:
                domain = seeded.customer_domains[number % len(seeded.customer_domains)]
                conflicts += 1
            else:
                domain = f"bench-prospect-{uuid.uuid4().hex[:12]}.com"
            form = _referral_form(domain)
            response = self._timed(
                result,
                partial(self.client.post, "/referrals/new", data=form),
                record=number >= self.warmup,
            )
            status = response.status_code
            location = response.headers.get("Location", "")
            if status != 302 or "/referrals/" not in location:
                body = response.get_data(as_text=True)[:300]
                result.error = f"POST /referrals/new answered {status} {location!r}: {body!r}"
                break
        created = self._referral_count() - created_before
        attempted = self.warmup + len(result.times_ms)
        if not result.error and created != attempted:
            result.error = f"{attempted} submissions created {created} referrals"
        result.note = f"{conflicts} of {self.warmup + self.requests} hit the conflict check"
        return result

    def _referral_count(self) -> int:
        with self.app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) or 0
            db.session.rollback()
        return count


def _referral_form(domain: str) -> dict[str, str]:
    return {
        "company_name": f"{domain.split('.')[0].replace('-', ' ').title()} Ltd",
        "company_website": f"https://www.{domain}",
        "contact_name": "Dana Whitfield",
        "contact_email": f"dana@{domain}",
        "contact_phone": "+44 20 7946 0000",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value": "48,000",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "Forecasts live in spreadsheets; they want one pipeline view.",
        "involvement": "sourced",
        "consent": "y",
        "idempotency_key": uuid.uuid4().hex,
    }


def measure_referral_pages(
    app: Flask, seeded: ReferralSeed, requests: int, warmup: int
) -> list[ReferralPageResult]:
    """The six budgeted measurements, in report order."""
    bench = ReferralBench(app, seeded, requests, warmup)
    try:
        bench.sign_in(seeded.staff_token)
        results = [
            bench.measure_get("inbox first page", ["/inbox/"]),
            bench.measure_get("inbox filtered", [FILTERED_URL]),
        ]
        deep_url, reached = bench.deep_page_url(DEEP_PAGE)
        note = "" if reached == DEEP_PAGE else f"only {reached} pages: the last one is measured"
        results.append(bench.measure_get(f"inbox page {reached}", [deep_url], note))
        refs = [f"/inbox/R-{ref_id:06d}" for ref_id in seeded.sample_refs]
        results.append(
            bench.measure_get("staff referral page", refs, f"{len(refs)} referrals in turn")
        )
        bench.sign_in(seeded.probe_token)
        results.append(bench.measure_get("partner list", ["/referrals"]))
        results.append(bench.measure_submissions())
    finally:
        bench.close()
    return results
