"""The printable certificate's QR code and brand, the shareable badge, the share links."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from portal.accounts.models import Role
from portal.learning.certificate_media import QR_BORDER, QR_ERROR

FIXTURE_PRIMARY = "#1d4f91"  # tests/fixtures/content/brand/brand.yml


def _drawn_matrix(page: str) -> list[list[int]]:
    """The QR code drawn on the page, read back from its SVG into rows of 0 and 1."""
    svg = re.search(r'<svg class="qr-code" viewBox="0 0 (\d+) \1"[^>]*>(.*?)</svg>', page)
    assert svg, "no QR code on the page"
    size = int(svg.group(1))
    matrix = [[0] * size for _ in range(size)]
    path = re.search(r'<path d="([^"]+)"', svg.group(2))
    assert path
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.group(1)):
        for column in range(int(x), int(x) + int(width)):
            matrix[int(y)][column] = 1
    return matrix


def test_the_certificate_is_a_branded_printable_document(
    login, partner_user, make_certification
) -> None:
    cert = make_certification(partner_user)
    page = login(partner_user).get(f"/certificates/{cert.id}").get_data(as_text=True)
    article = page.split('<article class="certificate"')[1].split("</article>")[0]
    assert '<p class="certificate-vendor">Testwind</p>' in article
    assert '<img class="certificate-logo" src="/brand/logo.svg?v=' in article
    assert "<strong>Pat Lee</strong>" in article and "of Acme Referrals" in article
    assert "Certified Basics Partner" in article
    assert "by completing the learning path <strong>Basics</strong>" in article
    assert f'<dt>Issued</dt><dd><time datetime="{cert.issued_at.date().isoformat()}">' in article
    assert f'<dt>Valid until</dt><dd><time datetime="{cert.expires_at.date().isoformat()}">' in (
        article
    )
    assert f"<code>{cert.code}</code>" in article
    url = f"http://portal.test/verify/{cert.code}"
    assert f'<a href="{url}">{url}</a>' in article
    assert f'aria-label="QR code of the verification link {url}"' in article


def test_the_qr_code_encodes_the_verification_link(login, partner_user, make_certification):
    cert = make_certification(partner_user)
    page = login(partner_user).get(f"/certificates/{cert.id}").get_data(as_text=True)
    expected = segno.make(f"http://portal.test/verify/{cert.code}", error=QR_ERROR)
    assert _drawn_matrix(page) == [list(row) for row in expected.matrix_iter(border=QR_BORDER)]
    other = segno.make(f"http://portal.test/verify/{cert.code}x", error=QR_ERROR)
    assert _drawn_matrix(page) != [list(row) for row in other.matrix_iter(border=QR_BORDER)]


def test_a_valid_badge_is_branded_and_verified(client, partner_user, make_certification) -> None:
    cert = make_certification(partner_user)
    response = client.get(f"/verify/{cert.code}/badge.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "TESTWIND · VERIFIED" in svg
    assert f'stroke="{FIXTURE_PRIMARY}"' in svg
    assert "Certified Basics Partner" in svg and "Pat Lee" in svg and cert.code in svg
    assert 'href="data:image/svg+xml;base64,' in svg  # the logo, inside the file
    assert "NOT A VALID" not in svg
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("kind", "word"), [({"revoked": True}, "REVOKED"), ({"age": timedelta(days=400)}, "EXPIRED")]
)
def test_an_invalid_certificate_never_gets_a_valid_looking_badge(
    client, partner_user, make_certification, kind, word
) -> None:
    cert = make_certification(partner_user, **kind)
    svg = client.get(f"/verify/{cert.code}/badge.svg").get_data(as_text=True)
    assert f"{word}: NOT A VALID CERTIFICATE" in svg
    assert "VERIFIED" not in svg and FIXTURE_PRIMARY not in svg and "data:image" not in svg
    assert 'text-decoration="line-through"' in svg


def test_an_unknown_badge_is_not_found(client) -> None:
    assert client.get("/verify/no-such-code/badge.svg").status_code == 404


def test_the_badge_escapes_the_holders_name(client, make_user, partner_org, make_certification):
    holder = make_user(Role.PARTNER_USER, partner_org, email="x@acme.example", name="<a>&\"'")
    cert = make_certification(holder)
    svg = client.get(f"/verify/{cert.code}/badge.svg").get_data(as_text=True)
    assert "&lt;a&gt;&amp;&#34;&#39;" in svg and "<a>" not in svg


def test_a_long_name_is_shortened_on_the_badge(client, make_user, partner_org, make_certification):
    holder = make_user(Role.PARTNER_USER, partner_org, email="y@acme.example", name="N" * 120)
    cert = make_certification(holder)
    svg = client.get(f"/verify/{cert.code}/badge.svg").get_data(as_text=True)
    drawn = " ".join(re.findall(r"<text [^>]*>([^<]*)</text>", svg))
    assert "N" * 41 + "…" in drawn and "N" * 42 not in drawn
    assert "N" * 120 in svg.split("<title")[1].split("</title>")[0]  # the whole name, for AT


def test_a_valid_certificate_can_be_shared(client, partner_user, make_certification) -> None:
    cert = make_certification(partner_user)
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    url = f"http://portal.test/verify/{cert.code}"
    assert "Share this certificate" in page
    assert f'<input type="url" id="share-link" value="{url}" readonly' in page
    assert f'<img class="share-badge" src="{url}/badge.svg"' in page
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)"', page)
    profile = next(link for link in links if "/profile/add" in link)
    query = parse_qs(urlsplit(profile.replace("&amp;", "&")).query)
    assert query["certUrl"] == [url] and query["certId"] == [cert.code]
    assert query["name"] == ["Certified Basics Partner"]
    assert query["organizationName"] == ["Testwind"]
    assert query["issueYear"] == [str(cert.issued_at.year)]
    assert query["expirationYear"] == [str(cert.expires_at.year)]
    share = next(link for link in links if "share-offsite" in link)
    assert parse_qs(urlsplit(share).query)["url"] == [url]


@pytest.mark.parametrize("kind", [{"revoked": True}, {"age": timedelta(days=400)}])
def test_an_invalid_certificate_offers_nothing_to_share(
    client, partner_user, make_certification, kind
) -> None:
    cert = make_certification(partner_user, **kind)
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "not valid" in page
    assert "Share this certificate" not in page and "badge.svg" not in page
    assert "linkedin" not in page
