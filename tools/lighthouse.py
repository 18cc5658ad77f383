"""Lighthouse on the main pages at mobile settings, signed in as a partner and as staff.

    .venv/bin/python tools/lighthouse.py [--pages /kits,/inbox/] [--json out.json]
    make lighthouse

Starts the portal under gunicorn on 127.0.0.1 (a free port) with demo data in a throwaway
SQLite database, signs in through the login form, runs Lighthouse (npm, pinned in
.ci/package.json; `npm ci --prefix .ci`) with Debian's chromium on each page and prints a table
of performance, accessibility and best-practices scores. Exits non-zero when a page is under
the bar (accessibility 100, best practices 100, performance 95).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / ".ci" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "flywheel-demo-2026"  # noqa: S105 (the demo data's, printed by `flask demo load`)
PARTNER = "lena@harbor-systems.example"  # a reseller partner admin: sees every partner page
STAFF = "admin@flywheel.example"
CATEGORIES = ("performance", "accessibility", "best-practices")
BARS = {"performance": 95, "accessibility": 100, "best-practices": 100}

# (who, path): the pages partners and the partner team spend their day on.
MAIN_PAGES: list[tuple[str, str]] = [
    ("anonymous", "/login"),
    ("partner", "/"),
    ("partner", "/onboarding"),
    ("partner", "/learn"),
    ("partner", "/kits"),
    ("partner", "/kits/joint-webinar-in-a-box"),
    ("partner", "/playbooks"),
    ("partner", "/referrals"),
    ("partner", "/referrals/new"),
    ("partner", "/earnings"),
    ("partner", "/scorecard"),
    ("staff", "/"),
    ("staff", "/inbox/"),
    ("staff", "/staff/orgs"),
    ("staff", "/insights"),
    ("staff", "/admin/audit"),
]


@dataclass
class Result:
    who: str
    path: str
    scores: dict[str, int]
    failed_audits: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_portal(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    """Migrate, load the demo and serve it with gunicorn on loopback (as in production)."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite'}",
        "SECRET_KEY": "lighthouse-only",
        "STATIC_BUILD_DIR": str(workdir / "static"),
        "RATELIMIT_ENABLED": "false",
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    bin_dir = Path(sys.executable).parent
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(  # noqa: S603 (our own commands)
            [str(bin_dir / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True
        )
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [str(bin_dir / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the portal did not answer on /healthz within 30 s")


def session_cookie(base: str, email: str) -> str:
    """Sign in through the login form; the Cookie header of the signed-in session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    if not match:
        raise SystemExit("no CSRF token on /login")
    form = urllib.parse.urlencode(
        {"csrf_token": html.unescape(match.group(1)), "email": email, "password": DEMO_PASSWORD}
    ).encode()
    with opener.open(f"{base}/login", data=form, timeout=10) as response:
        if "/login" in response.geturl():
            raise SystemExit(f"signing in as {email} failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def run_lighthouse(url: str, cookie: str, out: Path) -> Result:
    """One Lighthouse run (mobile form factor and throttling: Lighthouse's defaults)."""
    args = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        args.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})  # noqa: S603
    report = json.loads(out.read_text())
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failed = sorted(
        f"{audit_id} ({audit.get('score')})"
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref.get("weight", 0) > 0
        for audit_id in [ref["id"]]
        for audit in [report["audits"][audit_id]]
        if audit.get("score") is not None and audit["score"] < 1
    )
    return Result("", "", scores, failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", help="comma-separated paths to run (default: all main pages)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--details", action="store_true", help="list the audits that lost points")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci --prefix .ci`")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    wanted = set(options.pages.split(",")) if options.pages else None
    pages = [(who, path) for who, path in MAIN_PAGES if wanted is None or path in wanted]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        server = start_portal(workdir, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = {
                "anonymous": "",
                "partner": session_cookie(base, PARTNER),
                "staff": session_cookie(base, STAFF),
            }
            for number, (who, path) in enumerate(pages):
                result = run_lighthouse(f"{base}{path}", cookies[who], workdir / f"{number}.json")
                result.who, result.path = who, path
                results.append(result)
                print(
                    f"{who:<9} {path:<32} "
                    + "  ".join(f"{result.scores[c]:>3}" for c in CATEGORIES),
                    file=sys.stderr,
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"\n| page | who | {' | '.join(CATEGORIES)} |")
    print("|---|---|" + "---:|" * len(CATEGORIES))
    for r in results:
        print(f"| {r.path} | {r.who} | " + " | ".join(str(r.scores[c]) for c in CATEGORIES) + " |")
        if options.details and r.failed_audits:
            print(f"|   | lost points: {', '.join(r.failed_audits)} |")
    if options.json:
        options.json.write_text(json.dumps([vars(r) for r in results], indent=2))
    below = [r for r in results if any(r.scores[c] < bar for c, bar in BARS.items())]
    for r in below:
        print(
            f"below the bar: {r.who} {r.path}: {r.scores}; {', '.join(r.failed_audits)}",
            file=sys.stderr,
        )
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
