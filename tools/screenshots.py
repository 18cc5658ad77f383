"""Screenshots of the main pages at phone and laptop width, for the README (`make screenshots`).

Serves the app on 127.0.0.1 with the demo program (content/) and the demo data of
`flask demo load` in a throwaway SQLite file, signs in as each demo role in Debian's chromium
and writes docs/screenshots/<page>-<width>.png: the first screenful of each page, reduced to a
256-colour palette so the files stay small in git.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.content_runtime import current_content
from portal.demo import DEMO_PASSWORD, load_demo, load_demo_history_after_demo
from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WIDTHS = {390: 844, 1280: 800}


@dataclass(frozen=True)
class Shot:
    name: str  # file name stem
    path: str  # URL path, or "first-referral" for the first referral in the list
    open_menu: bool = False  # phone only: the navigation menu opened


# Who signs in (None: nobody) and what they see.
SHOTS: dict[str | None, tuple[Shot, ...]] = {
    None: (Shot("login", "/login"),),
    "priya@brightline.example": (
        Shot("partner-home", "/"),
        Shot("partner-menu", "/", open_menu=True),
        Shot("onboarding", "/onboarding"),
        Shot("learning", "/learn"),
        Shot("kits", "/kits"),
        Shot("referrals", "/referrals"),
        Shot("referral", "first-referral"),
    ),
    "staff@flywheel.example": (
        Shot("staff-home", "/"),
        Shot("inbox", "/inbox/"),
        Shot("organisations", "/staff/orgs"),
        Shot("insights", "/insights"),
        Shot("styleguide", "/styleguide"),
    ),
}


def _serve(database: Path) -> str:
    """Start the app with the demo data in a daemon thread; its base URL."""
    app = create_app(
        {
            "SECRET_KEY": "screenshots",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "CONTENT_DIR": str(ROOT / "content"),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        load_demo(current_content())
        load_demo_history_after_demo(current_content())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")


def _take(page: Page, shot: Shot, width: int, out: Path) -> Path | None:
    if shot.open_menu and width > 600:
        return None  # the menu is a plain row on wide screens
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    if shot.path == "first-referral":
        page.goto("/referrals")
        page.locator("main table a").first.click()
    else:
        page.goto(shot.path)
    expect(page.locator("main h1").first).to_be_visible()
    if shot.open_menu:
        page.locator(".nav-menu > summary").click()
        expect(page.locator(".nav-panel")).to_be_visible()
    target = out / f"{shot.name}-{width}.png"
    page.screenshot(path=str(target))
    with Image.open(target) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True
        )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        base_url = _serve(Path(workdir) / "screenshots.sqlite")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            for email, shots in SHOTS.items():
                context = browser.new_context(base_url=base_url)
                page = context.new_page()
                if email:
                    _sign_in(page, email)
                for shot in shots:
                    for width in WIDTHS:
                        target = _take(page, shot, width, args.out)
                        if target:
                            size = target.stat().st_size // 1024
                            print(f"{target.relative_to(ROOT)}  {size} KiB")
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
