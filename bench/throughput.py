"""Throughput: the portal's main pages under gunicorn and wrk, side by side with hello-world.

    make bench-throughput                                  # SQLite demo data, 5 s a page
    .venv/bin/python bench/throughput.py --database postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/throughput.py --seconds 2 --only "module,inbox first page"

Run the way a deployment runs it: the demo data (`flask db upgrade`, `flask demo load`) in a
fresh database, the portal under gunicorn with PORTAL_ENV=production (no content auto-reload,
no debug) and rate limits off, and in the same run a bare Flask hello-world under the same
gunicorn settings (bench/_hello.py), both on loopback. Each role signs in through the real login
form; then `wrk` drives each page with 8 connections for `--seconds`. Printed per page:
requests/s, p50 and p99, the ratio to hello-world, SQL statements per request (counted
in-process on the same database, bench/_throughput_pages.py) and, at the end, each portal
worker's RSS. Budgets: bench/_throughput_pages.py, p99 <= 25 ms, RSS <= 80 MB. The exit code is 0
even when a budget fails; failures are printed as FAIL.

`wrk` is Debian's package (`apt-get install -y wrk`); the bench installs nothing itself. The
machine is shared with whatever else runs: the load average is printed first.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._database import create_database  # noqa: E402
from bench._throughput_pages import SIGN_INS, Page, count_statements, main_pages  # noqa: E402

BIN = ROOT / ".venv" / "bin"
P99_BUDGET_MS = 25.0
RSS_BUDGET_MB = 80.0
WORKERS = 2
CONNECTIONS = 8
USER_AGENT = "flywheel-throughput-bench"  # the session is bound to it (strong protection)


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers and socket errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=5.0, help="wrk time per page")
    parser.add_argument("--only", help="comma-separated page names (default: every page)")
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package)")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    workdir = Path(tempfile.mkdtemp(prefix="flywheel-throughput-"))
    database = create_database(args.database, workdir, "throughput")
    servers: list[subprocess.Popen[bytes]] = []
    try:
        env = _environment(database.url, workdir)
        _load_demo(env)
        portal_port, hello_port = _free_port(), _free_port()
        servers.append(_gunicorn("wsgi:app", portal_port, env, workdir / "portal.log"))
        servers.append(_gunicorn("bench._hello:app", hello_port, env, workdir / "hello.log"))
        _wait_for(portal_port, "/healthz")
        _wait_for(hello_port, "/")
        app = _app(env)
        pages = main_pages(app)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            pages = [page for page in pages if page.name in wanted]
        statements = count_statements(app, pages)
        cookies = {role: _sign_in(portal_port, email) for role, email in SIGN_INS.items()}
        for page in pages:
            _check_page(portal_port, page, cookies[page.role])
        print(f"{database.describe()}; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} conn.")
        hello = _wrk(wrk, f"http://127.0.0.1:{hello_port}/", "", args.seconds)
        print(f"hello-world: {hello.requests_per_s:,.0f} requests/s, p99 {hello.p99_ms:.1f} ms")
        rows = [
            (page, _wrk(wrk, _url(portal_port, page), cookies[page.role], args.seconds))
            for page in pages
        ]
        rss = _worker_rss_mb(servers[0].pid)
        pss = _worker_pss_mb(servers[0].pid)
        return _report(hello, rows, statements, rss, pss)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def _environment(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_ENV": "production",
        "MAIL_BACKEND": "smtp",  # nothing is sent: reading pages queues no e-mail
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
        "RATELIMIT_ENABLED": "false",
        "STATIC_BUILD_DIR": str(workdir / "static"),
        "BASE_URL": "http://127.0.0.1",
    }


def _load_demo(env: dict[str, str]) -> None:
    # `flask demo load` refuses production: the data goes in as development would load it.
    development = {**env, "PORTAL_ENV": "development"}
    for command in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=development, capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _app(env: dict[str, str]) -> Flask:
    from portal import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "SECRET_KEY": env["SECRET_KEY"],
            "RATELIMIT_ENABLED": False,
            "CONTENT_AUTO_RELOAD": False,
            "STATIC_BUILD_DIR": env["STATIC_BUILD_DIR"],
        }
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gunicorn(target: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # --preload as the README's deployment section runs it: the app (and its content index) is
    # built once in the master and shared by the forked workers.
    command = [
        str(BIN / "gunicorn"), "--preload", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", target
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def _wait_for(port: int, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = _request(port, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered 200 on 127.0.0.1:{port}{path} within {timeout:.0f} s")


def _request(
    port: int, method: str, path: str, body: str = "", cookie: str = ""
) -> tuple[int, list[tuple[str, str]], str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def _cookies(headers: list[tuple[str, str]], jar: dict[str, str]) -> str:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def _sign_in(port: int, email: str) -> str:
    """Sign in through the login form as a browser would; the session cookie to send."""
    from portal.demo import DEMO_PASSWORD

    jar: dict[str, str] = {}
    status, headers, page = _request(port, "GET", "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    if status != 200 or token is None:
        raise SystemExit(f"the login page answered {status} without a CSRF token")
    cookie = _cookies(headers, jar)
    form = urllib.parse.urlencode(
        {"csrf_token": html.unescape(token.group(1)), "email": email, "password": DEMO_PASSWORD}
    )
    status, headers, _ = _request(port, "POST", "/login", form, cookie)
    if status != 302:
        raise SystemExit(f"signing in as {email} answered {status}, not a redirect")
    return _cookies(headers, jar)


def _url(port: int, page: Page) -> str:
    return f"http://127.0.0.1:{port}{page.url}"


def _check_page(port: int, page: Page, cookie: str) -> None:
    status, _headers, _body = _request(port, "GET", page.url, cookie=cookie)
    if status != 200:
        raise SystemExit(f"{page.url} answered {status} as {page.role}: nothing to measure")


_WRK_REQUESTS = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*?timeout (\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(wrk: str, url: str, cookie: str, seconds: float) -> WrkResult:
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", "-d1s", *headers, url], capture_output=True)
    out = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", *headers, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = _WRK_REQUESTS.search(out)
    percentiles = {p: float(v) * _UNIT_MS[u] for p, v, u in _WRK_PERCENTILE.findall(out)}
    if rate is None or set(percentiles) != {"50", "99"}:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    errors = sum(int(a or b or 0) for a, b in _WRK_ERRORS.findall(out))
    return WrkResult(float(rate.group(1)), percentiles["50"], percentiles["99"], errors)


def _worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if rss:
            sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def _worker_pss_mb(master_pid: int) -> list[float]:
    """Each worker's proportional share (PSS): pages shared with the master and the other
    workers after the --preload fork count once between them, unlike RSS."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            rollup = (stat.parent / "smaps_rollup").read_text()
        except (OSError, IndexError, ValueError):
            continue
        pss = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        if pss:
            sizes.append(int(pss.group(1)) / 1024)
    return sorted(sizes)


def _report(
    hello: WrkResult,
    rows: list[tuple[Page, WrkResult]],
    statements: dict[str, int],
    rss: list[float],
    pss: list[float],
) -> int:
    print()
    header = (
        f"{'page':28} {'role':8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} "
        f"{'budget':>6} {'stmts':>5} {'max':>4}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for page, result in rows:
        ratio = result.requests_per_s / hello.requests_per_s
        count = statements[page.name]
        problems = []
        if ratio < page.min_ratio:
            problems.append("ratio")
        if result.p99_ms > P99_BUDGET_MS:
            problems.append("p99")
        if count > page.max_statements:
            problems.append("stmts")
        if result.errors:
            problems.append(f"{result.errors} errors")
        failed += bool(problems)
        print(
            f"{page.name:28} {page.role:8} {result.requests_per_s:7,.0f} {result.p50_ms:7.1f} "
            f"{result.p99_ms:7.1f} {ratio:6.2f} {page.min_ratio:6.2f} {count:5d} "
            f"{page.max_statements:4d}  {'FAIL: ' + ', '.join(problems) if problems else 'PASS'}"
        )
    shown = ", ".join(f"{mb:.0f}" for mb in rss) or "unknown"
    over = any(mb > RSS_BUDGET_MB for mb in rss)
    print(f"\nportal worker RSS after the run: {shown} MB (budget {RSS_BUDGET_MB:.0f} MB each)"
          f"  {'FAIL' if over else 'PASS'}")  # fmt: skip
    shared = ", ".join(f"{mb:.0f}" for mb in pss) or "unknown"
    print(f"portal worker PSS (shared pages counted once): {shared} MB")
    print(f"OVERALL: {'FAIL' if failed or over else 'PASS'} ({failed} of {len(rows)} pages fail)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
