"""Kit pages over HTTP with the fixture content: audience, downloads, traversal, templates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, Response

from portal.accounts.models import Role
from portal.audit.models import ActivityEvent
from portal.extensions import db
from portal.kits.service import org_has_kit_download
from portal.kits.storage import EXTENSION_KEY
from tests.kits.conftest import PRICING, SLIDES, WEBINAR, events


@pytest.fixture
def silver_reseller(make_org, make_user):
    org = make_org(name="Silverline Resellers", partner_type="reseller", tier="silver")
    return make_user(Role.PARTNER_USER, org, email="sil@silverline.example")


# --- library and kit pages ---------------------------------------------------------------


def test_the_library_lists_the_kits_of_the_partners_audience(login, partner_user) -> None:
    page = login(partner_user).get("/kits").get_data(as_text=True)
    assert "Co-selling webinar in a box" in page
    assert "Slides, a banner and an invitation" in page
    assert "2 files, 1 template" in page
    assert "Webinar" in page
    assert "Reseller pricing sheet" not in page


def test_a_silver_reseller_sees_the_reseller_kit(login, silver_reseller) -> None:
    page = login(silver_reseller).get("/kits").get_data(as_text=True)
    assert "Reseller pricing sheet" in page
    assert "Co-selling webinar in a box" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?kind=one-pager", "Reseller pricing sheet", "Co-selling webinar"),
        ("?kind=webinar", "Co-selling webinar", "Reseller pricing sheet"),
        ("?q=PRICING", "Reseller pricing sheet", "Co-selling webinar"),
        ("?q=events", "Co-selling webinar", "Reseller pricing sheet"),  # a tag
        ("?kind=nonsense", "Co-selling webinar", "No kit matches"),  # unknown kind: every kit
        ("?kind=email", "No kit matches these filters", "Co-selling webinar"),
    ],
)
def test_the_library_filters_by_kind_and_search(
    login, silver_reseller, query: str, shown: str, hidden: str
) -> None:
    page = login(silver_reseller).get(f"/kits{query}").get_data(as_text=True)
    assert shown in page
    assert hidden not in page


def test_htmx_gets_only_the_results(login, partner_user) -> None:
    response = login(partner_user).get("/kits?q=webinar", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="kit-results"')
    assert "<html" not in body
    assert "Co-selling webinar in a box" in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_library_reads_no_more_than_the_user(login, partner_user, count_queries) -> None:
    client = login(partner_user)
    client.get("/kits")
    with count_queries() as counter:
        assert client.get("/kits").status_code == 200
    assert counter.count <= 2  # the user and the organisation: kits come from memory


def test_the_kit_page_lists_files_and_templates(login, partner_user) -> None:
    page = login(partner_user).get(f"/kits/{WEBINAR}").get_data(as_text=True)
    assert "<h2>Running the webinar</h2>" in page or "Running the webinar</h2>" in page
    assert 'href="/program/guide"' in page
    assert f'href="/kits/{WEBINAR}/files/slides.pdf"' in page
    assert "Webinar slides (PDF)" in page
    assert "593 bytes" in page
    assert "PDF" in page and "PNG image" in page
    assert f'href="/kits/{WEBINAR}/templates/invite"' in page
    assert "Invitation e-mail" in page


def test_staff_get_403_on_kit_pages(login, staff_user) -> None:
    client = login(staff_user)
    assert client.get("/kits").status_code == 403
    assert client.get(f"/kits/{WEBINAR}/files/slides.pdf").status_code == 403


# --- audience: a kit outside it does not exist ------------------------------------------------

OUTSIDE_URLS = [
    f"/kits/{PRICING}",
    f"/kits/{PRICING}/files/price-sheet.pdf",
    f"/kits/{PRICING}/templates/landing",
    f"/kits/{PRICING}/templates/landing/download",
    f"/kits/{PRICING}/templates/landing/download?format=txt",
    # Guessing the file's name under a kit the partner can see.
    f"/kits/{WEBINAR}/files/price-sheet.pdf",
    f"/kits/{WEBINAR}/templates/landing",
    "/kits/no-such-kit",
    f"/kits/{WEBINAR}/files/no-such-file.pdf",
]


@pytest.mark.parametrize("url", OUTSIDE_URLS)
def test_a_referral_partner_cannot_reach_the_reseller_kit(login, partner_user, url: str) -> None:
    assert login(partner_user).get(url).status_code == 404
    assert events() == []


@pytest.mark.parametrize("partner", ["partner_user", "other_partner"])  # referral, reseller
def test_nor_a_partner_below_its_tier_or_of_another_type(request, login, partner: str) -> None:
    client = login(request.getfixturevalue(partner))
    assert client.get(f"/kits/{PRICING}/files/price-sheet.pdf").status_code == 404
    assert client.post(f"/kits/{PRICING}/templates/landing/copied").status_code == 404


def test_the_silver_reseller_may_download_the_reseller_file(login, silver_reseller) -> None:
    response = login(silver_reseller).get(f"/kits/{PRICING}/files/price-sheet.pdf")
    assert response.status_code == 200
    response.close()


# --- downloads ----------------------------------------------------------------------------


def test_a_local_download_is_the_file_with_its_headers(login, partner_user, partner_org) -> None:
    response = login(partner_user).get(f"/kits/{WEBINAR}/files/slides.pdf")
    assert response.status_code == 200
    assert response.get_data() == SLIDES.read_bytes()
    response.close()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=slides.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert events() == [("kit_download", f"{WEBINAR}/slides.pdf", partner_org.id)]
    assert org_has_kit_download(partner_org.id)


def test_a_head_is_not_a_download(login, partner_user) -> None:
    response = login(partner_user).head(f"/kits/{WEBINAR}/files/slides.pdf")
    response.close()
    assert response.status_code == 200
    assert events() == []


def test_every_download_is_counted_and_never_cached(login, partner_user, partner_org) -> None:
    client = login(partner_user)
    for _ in range(2):
        response = client.get(f"/kits/{WEBINAR}/files/banner.png")
        response.close()
        assert response.headers["Cache-Control"] == "no-store"
    assert len(events()) == 2


class _CommittedCheck:
    """A storage whose body, as it is sent, reads the committed events on its own connection."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.seen: list[str] | None = None

    def send(self, kit, file) -> Response:
        def body() -> Iterator[bytes]:
            with db.engine.connect() as conn:
                self.seen = list(conn.scalars(sa.select(ActivityEvent.subject)))
            yield b"file bytes"

        return Response(body(), mimetype=file.media_type)


def test_the_download_is_committed_before_the_file_is_sent(
    real_commits, app: Flask, login, partner_user, monkeypatch
) -> None:
    storage = _CommittedCheck(app)
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    response = login(partner_user).get(f"/kits/{WEBINAR}/files/banner.png")
    assert response.get_data() == b"file bytes"
    assert storage.seen == [f"{WEBINAR}/banner.png"]


def test_the_onboarding_step_completes_after_a_download(app: Flask, login, partner_user) -> None:
    from portal.content_runtime import current_content
    from portal.onboarding.service import checklist_for

    org = partner_user.organization
    step = checklist_for(org, current_content()).step_state("download-kit")
    assert step is not None and not step.done
    login(partner_user).get(f"/kits/{WEBINAR}/files/banner.png").close()
    db.session.expire_all()
    assert org_has_kit_download(org.id)
    step = checklist_for(org, current_content()).step_state("download-kit")
    assert step.done


def test_a_download_announces_itself_to_onboarding(app: Flask, login, partner_user) -> None:
    from portal import signals

    received: list[dict] = []

    def receiver(sender, **kwargs) -> None:
        received.append(kwargs)

    signals.kit_downloaded.connect(receiver)
    try:
        login(partner_user).get(f"/kits/{WEBINAR}/files/banner.png").close()
    finally:
        signals.kit_downloaded.disconnect(receiver)
    assert [(r["organization_id"], r["kit_id"], r["file"]) for r in received] == [
        (partner_user.organization_id, WEBINAR, "banner.png")
    ]


# --- path traversal -------------------------------------------------------------------------

TRAVERSALS = [
    f"/kits/{WEBINAR}/files/../kit.md",
    f"/kits/{WEBINAR}/files/..%2fkit.md",
    f"/kits/{WEBINAR}/files/%2e%2e%2fkit.md",
    f"/kits/{WEBINAR}/files/%2e%2e/kit.md",
    f"/kits/{WEBINAR}/files/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    f"/kits/{WEBINAR}/files/%2Fetc%2Fpasswd",
    f"/kits/{WEBINAR}/files//etc/passwd",
    f"/kits/{WEBINAR}/files/..%5Ckit.md",
    f"/kits/{WEBINAR}/files/..\\kit.md",
    f"/kits/{WEBINAR}/files/C:%5CWindows%5Cwin.ini",
    f"/kits/{WEBINAR}/files/..",
    f"/kits/{WEBINAR}/files/%2e%2e",
    f"/kits/{WEBINAR}/files/kit.md",  # in the kit's folder, but not one of its files
    f"/kits/{WEBINAR}/files/.slides.pdf",
    f"/kits/{WEBINAR}/files/slides.pdf%2F",
    f"/kits/..%2F{WEBINAR}/files/slides.pdf",
    f"/kits/%2e%2e/{WEBINAR}/files/slides.pdf",
    f"/kits/{WEBINAR}/templates/..%2Fkit",
    f"/kits/{WEBINAR}/templates/%2e%2e",
    f"/kits/{WEBINAR}/templates/invite%2F..%2F..%2Fkit",
    f"/kits/{WEBINAR}/templates/invite/download?format=..%2Fkit.md",
    f"/kits/{WEBINAR}/templates/invite/download?format=%2Fetc%2Fpasswd",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_path_traversal_attempts_answer_404(login, partner_user, url: str) -> None:
    response = login(partner_user).get(url)
    assert response.status_code == 404, url
    assert events() == []


@pytest.mark.parametrize(
    "url", [f"/kits/{WEBINAR}/files/slides.pdf%00.png", f"/kits/{WEBINAR}/files/%00"]
)
def test_a_nul_byte_is_refused_before_any_lookup(login, partner_user, url: str) -> None:
    # portal.http refuses every NUL byte in the URL with 400, before the view runs.
    response = login(partner_user).get(url)
    assert response.status_code in (400, 404)
    assert b"%PDF" not in response.get_data()
    assert events() == []
