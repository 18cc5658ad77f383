"""Content bench: 2,000 documents, content load, search, and the kit, playbook and search pages.

    .venv/bin/python bench/content.py
    .venv/bin/python bench/content.py --queries 200 --requests 200 --keep --workdir /tmp/cb

Budgets: the content load, Markdown rendering included, <= 2 s and a worker's memory after
loading the content <= 150 MB RSS (feature boundaries, section 3); search median <= 20 ms over
200 queries; the kit library, a kit page, a playbook page and the search page median <= 25 ms
(issue 4, section 5); the worst-case library of issue 14 (the 2,000 documents, ten 1 MB pages,
401 images, thousands of image uses and links to .md files) against the same load and memory
budgets. Failures are printed as FAIL and the exit code is then 1.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._content import ContentShape, generate_content  # noqa: E402
from bench._content_big import BIG_MODULE_BYTES, write_big_module_content  # noqa: E402
from bench._content_library import (  # noqa: E402
    LibraryShape,
    generate_library,
    sample_queries,
)
from bench._content_load import rendering_seconds, worker_memory_figures  # noqa: E402
from bench._content_worst import measure_worst_case  # noqa: E402
from bench._measure import PageResult, StatementCounter  # noqa: E402
from bench.learning import machine_reference  # noqa: E402
from portal.content import ContentError, ContentIndex, load_content  # noqa: E402
from portal.content.rendering import forget_rendered_html  # noqa: E402
from portal.content.search import SearchDoc, SearchIndex, build_search_index  # noqa: E402

LOAD_BUDGET_S = 2.0
RSS_BUDGET_MB = 150.0
SEARCH_BUDGET_MS = 20.0
PAGE_BUDGET_MS = 25.0
# 30 paths x 20 modules + 30 paths + 20 pages + 398 kits + 4 x 238 playbooks = 2,000 documents.
BASE_SHAPE = ContentShape(paths=30, modules=20, questions=2)
# The measured partner: a reseller at silver sees most, but not all, of the library.
PARTNER_TYPE, PARTNER_TIER = "reseller", "silver"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="where the content and SQLite file go")
    parser.add_argument("--keep", action="store_true", help="keep the workdir")
    parser.add_argument("--queries", type=int, default=200, help="search queries timed")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    return parser.parse_args(argv)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (nan for no values)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Report:
    """Prints as it goes and keeps the overall verdict."""

    def __init__(self) -> None:
        self.all_passed = True

    def line(self, text: str = "") -> None:
        print(text, flush=True)

    def budget(self, text: str, value: float, budget: float, unit: str) -> None:
        """One figure against its budget (at most `budget`)."""
        verdict = "PASS" if value <= budget else "FAIL"
        self.all_passed &= verdict == "PASS"
        self.line(f"{text} (budget <= {budget:g} {unit}: {verdict})")

    def timing(self, label: str, times_ms: list[float], budget_ms: float, extra: str = "") -> None:
        median = statistics.median(times_ms) if times_ms else math.nan
        verdict = "PASS" if median <= budget_ms else "FAIL"
        self.all_passed &= verdict == "PASS"
        self.line(
            f"{label:<48} median {median:6.2f} ms  p95 {percentile(times_ms, 0.95):6.2f} ms  "
            f"(budget median <= {budget_ms:.0f} ms: {verdict}){extra}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its report; 1 when a budget fails."""
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="flywheel-content-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "flywheel-bench-secret")
    report = Report()
    report.line(machine_reference())
    try:
        content_dir = workdir / "content"
        index = prepare_content(content_dir, args.seed, report)
        if index is not None:
            measure_worker_memory(content_dir, report)
            measure_search(index, args, report)
            measure_pages(content_dir, index, workdir, args, report)
            measure_big_module(workdir, args, report)
            measure_worst_case(workdir, args.seed, report, BASE_SHAPE)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report.line(machine_reference())
    report.line()
    report.line(f"OVERALL: {'PASS' if report.all_passed else 'FAIL (see the rows marked FAIL)'}")
    return 0 if report.all_passed else 1


def prepare_content(content_dir: Path, seed: int, report: Report) -> ContentIndex | None:
    """Generate the content, time `load_content`, its rendering and search build; the index."""
    started = time.perf_counter()
    generate_content(content_dir, seed, BASE_SHAPE)
    generate_library(content_dir, seed, LibraryShape())
    report.line(f"content generated in {time.perf_counter() - started:.2f} s: {content_dir}")
    timings, cpu = [], []
    for _ in range(3):
        forget_rendered_html()  # every load renders every document, as a fresh worker does
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            index = load_content(content_dir)
        except ContentError as exc:
            report.line(f"FAIL: the generated content is invalid:\n{exc}")
            report.all_passed = False
            return None
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    documents = len(index.search.docs) if index.search is not None else 0
    report.budget(
        f"content load of {documents} documents (load_content: validation, Markdown rendered to "
        f"HTML, search index): first {timings[0]:.2f} s, median of 3 "
        f"{statistics.median(timings):.2f} s, CPU median {statistics.median(cpu):.2f} s "
        f"(version {index.version})",
        statistics.median(timings),
        LOAD_BUDGET_S,
        "s",
    )
    texts, size, seconds = rendering_seconds(index)
    report.line(
        f"  of which rendering {texts} Markdown texts ({size / 1e6:.1f} MB) to sanitised HTML: "
        f"{seconds:.2f} s"
    )
    started = time.perf_counter()
    load_content(content_dir)
    report.line(
        f"  reload of the unchanged content (HTML reused by text, as in a development reload): "
        f"{time.perf_counter() - started:.2f} s"
    )
    if index.search is None or not index.kits or not index.playbooks:
        report.line("FAIL: load_content did not load the kits and playbooks or build search")
        report.all_passed = False
        return None
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        search = build_search_index(index)
        builds.append((time.perf_counter() - started) * 1000)
    kinds = Counter(doc.kind for doc in search.docs)
    report.line(
        f"search index build (build_search_index): median of 3 {statistics.median(builds):.0f} ms"
        f" for {len(search)} documents ({', '.join(f'{n} {k}' for k, n in kinds.items())})"
    )
    return index


def measure_worker_memory(content_dir: Path, report: Report) -> None:
    """A fresh process starts the app on the content, loads the demo content too: its RSS."""
    figures = worker_memory_figures(content_dir)
    if isinstance(figures, str):
        report.all_passed = False
        report.line(f"FAIL: the worker memory process failed:\n{figures}")
        return
    report.budget(
        f"fresh worker process: create_app on the content {figures['start_s']:.2f} s, then the "
        f"demo content {figures['demo_s']:.2f} s; RSS after load {figures['rss_mb']:.0f} MB "
        f"(peak {figures['peak_mb']:.0f} MB)",
        figures["peak_mb"],
        RSS_BUDGET_MB,
        "MB peak RSS",
    )


def partner_can_see(index: ContentIndex) -> Callable[[SearchDoc], bool]:
    """What the measured partner may see (the rule of portal.accounts.access.audience_check)."""
    rank = index.program.tier_rank(PARTNER_TIER)
    return lambda doc: doc.audience.admits(PARTNER_TYPE, rank)


def measure_search(index: ContentIndex, args: argparse.Namespace, report: Report) -> None:
    """Median and p95 of `SearchIndex.query` over realistic queries, as the partner."""
    search: SearchIndex = index.search
    rng = random.Random(args.seed + 2)
    titles = [doc.title for doc in search.docs]
    queries = sample_queries(rng, titles, args.queries)
    can_see = partner_can_see(index)
    for text in queries[: args.warmup]:
        search.query(text, can_see)
    times, hits, empty = [], [], 0
    for text in queries:
        started = time.perf_counter()
        found = search.query(text, can_see)
        times.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
        empty += not found
    report.line()
    report.timing(
        f"search ({len(queries)} queries, limit 20)",
        times,
        SEARCH_BUDGET_MS,
        f"; {statistics.mean(hits):.1f} hits per query, {empty} without any",
    )
    slowest = sorted(zip(times, queries, strict=True), reverse=True)[:3]
    report.line("  slowest: " + "; ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))


class PageBench:
    """The app on a fresh SQLite file, one partner organisation and user, signed in."""

    def __init__(self, content_dir: Path, workdir: Path):
        from flask_login.utils import _create_identifier

        from portal import create_app
        from portal.accounts.models import Organization, OrgStatus, Role, User
        from portal.extensions import db

        database = workdir / "content-bench.sqlite"
        database.unlink(missing_ok=True)
        self.app = create_app(
            {
                "SECRET_KEY": os.environ["SECRET_KEY"],
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "CONTENT_DIR": str(content_dir),
                "CONTENT_AUTO_RELOAD": False,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "log",
                "BASE_URL": "http://portal.bench",
                "SERVER_NAME": None,
            }
        )
        with self.app.app_context():
            db.create_all()
            org = Organization(
                name="Bench Resellers",
                partner_type=PARTNER_TYPE,
                tier=PARTNER_TIER,
                status=OrgStatus.ACTIVE,
            )
            user = User(
                email="bench@example.com",
                name="Bea Bench",
                role=Role.PARTNER_USER,
                organization=org,
            )
            user.set_password("bench password, never used to sign in")
            db.session.add_all([org, user])
            db.session.commit()
            token = user.session_token
            self.counter = StatementCounter(db.engine)
        self.client = self.app.test_client()
        with self.app.test_request_context(environ_base=self.client.environ_base):
            identifier = _create_identifier()
        with self.client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
            session["_id"] = identifier  # session protection "strong" checks it

    def measure(
        self, urls: list[str], requests: int, warmup: int, htmx: bool = False
    ) -> PageResult:
        """`warmup` + `requests` GETs, round-robin over `urls`; any non-200 stops the page."""
        result = PageResult(urls[0], urls[0])
        headers = {"HX-Request": "true"} if htmx else {}
        for number in range(warmup + requests):
            url = urls[number % len(urls)]
            self.counter.count = 0
            started = time.perf_counter()
            response = self.client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                result.error = f"GET {url} answered {response.status_code}"
                break
            if number >= warmup:
                result.times_ms.append(elapsed)
                result.statements.append(self.counter.count)
        return result

    def close(self) -> None:
        """Stop counting statements and close the database."""
        from portal.extensions import db

        self.counter.close()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def measure_pages(
    content_dir: Path, index: ContentIndex, workdir: Path, args: argparse.Namespace, report: Report
) -> None:
    """Time the kit, playbook and search pages through the Flask test client as the partner."""
    bench = PageBench(content_dir, workdir)
    try:
        report.line()
        rank = index.program.tier_rank(PARTNER_TIER)
        kit = next(k for k in index.kits.values() if k.audience.admits(PARTNER_TYPE, rank))
        playbook = next(
            p for p in index.playbooks.values() if p.audience.admits(PARTNER_TYPE, rank)
        )
        pages = {
            "kit library": "/kits",
            "kit page": f"/kits/{kit.id}",
            "playbook page": f"/playbooks/{playbook.kind}/{playbook.id}",
        }
        for name, url in pages.items():
            report_page(report, name, url, bench.measure([url], args.requests, args.warmup))
        # The same realistic queries as above, one per request.
        queries = sample_queries(
            random.Random(args.seed + 2), [d.title for d in index.search.docs], args.queries
        )
        urls = [f"/search?{urlencode({'q': q})}" for q in queries]
        label = f"/search?q=... ({len(urls)} queries)"
        for name, htmx in (("search page", False), ("search, htmx partial", True)):
            measured = bench.measure(urls, args.requests, args.warmup, htmx)
            report_page(report, name, label, measured)
    finally:
        bench.close()


def measure_big_module(workdir: Path, args: argparse.Namespace, report: Report) -> None:
    """Load content with one 894 KB module (rendered at load) and time that module's page."""
    content_dir = workdir / "content-big"
    url = write_big_module_content(content_dir, args.seed)
    forget_rendered_html()
    started = time.perf_counter()
    try:
        load_content(content_dir)
    except ContentError as exc:
        report.all_passed = False
        report.line(f"FAIL: the content with the big module is invalid:\n{exc}")
        return
    load_s = time.perf_counter() - started
    bench = PageBench(content_dir, workdir)
    try:
        measured = bench.measure([url], min(args.requests, 50), min(args.warmup, 3))
    finally:
        bench.close()
    report.line()
    if measured.error:
        report.all_passed = False
        report.line(f"{BIG_MODULE_BYTES // 1000} KB module {url}: FAIL: {measured.error}")
        return
    report.line(
        f"{BIG_MODULE_BYTES // 1000} KB module: content load {load_s:.2f} s (its rendering "
        f"included); then its page {url} median {statistics.median(measured.times_ms):.1f} ms, "
        f"p95 {percentile(measured.times_ms, 0.95):.1f} ms: no request renders it (not budgeted)"
    )


def report_page(report: Report, name: str, url: str, measured: PageResult) -> None:
    """One page's line: timings and statements, or why it failed."""
    if measured.error:
        report.all_passed = False
        report.line(f"{name:<48} FAIL: {measured.error}")
        return
    statements = max(measured.statements, default=0)
    report.timing(f"{name} {url}", measured.times_ms, PAGE_BUDGET_MS, f"; <= {statements} SQL")


if __name__ == "__main__":
    sys.exit(main())
