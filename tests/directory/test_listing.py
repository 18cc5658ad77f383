"""The public list: only listed partners, the filters, the documented order, paging, sitemap."""

from __future__ import annotations

from portal.accounts.models import OrgStatus, Role
from portal.content_runtime import current_content
from portal.directory import listing
from portal.extensions import db
from tests.conftest import new_certification, new_org, new_user
from tests.directory.conftest import listed_partner, publish


def _names(response) -> str:
    return response.get_data(as_text=True)


def test_only_active_opted_in_approved_partners_appear_anywhere(app, client):
    listed_partner("Visible Analytics")
    hidden_org = new_org(name="Hidden Optout", status=OrgStatus.ACTIVE)
    admin = new_user(Role.PARTNER_ADMIN, hidden_org)
    hidden = publish(hidden_org.id, admin, listed=False)
    suspended, _ = listed_partner("Suspended Partner")
    suspended.organization.status = OrgStatus.SUSPENDED
    db.session.commit()

    page = _names(client.get("/partners"))
    assert "Visible Analytics" in page
    assert "Hidden Optout" not in page and "Suspended Partner" not in page
    for slug in (hidden.slug, suspended.slug):
        missing = client.get(f"/partners/{slug}")
        assert missing.status_code == 404
        assert missing.headers["X-Robots-Tag"] == "noindex"
        assert client.get(f"/partners/{slug}/logo.png").status_code == 404
    sitemap = _names(client.get("/sitemap.xml"))
    assert "/partners/visible-analytics" in sitemap
    assert hidden.slug not in sitemap and suspended.slug not in sitemap
    assert client.get("/partners?q=Hidden").get_data(as_text=True).count("Hidden Optout") == 0


def test_filters_narrow_the_list(app, client):
    listed_partner("Berlin Works", countries=["de"], industries=["manufacturing"])
    listed_partner("Paris Care", countries=["fr"], industries=["healthcare"], services=["training"])
    assert "Paris Care" not in _names(client.get("/partners?country=de"))
    assert "Berlin Works" in _names(client.get("/partners?country=de"))
    assert "Berlin Works" not in _names(client.get("/partners?industry=healthcare"))
    assert "Paris Care" in _names(client.get("/partners?service=training&region=Europe"))
    assert "Paris Care" in _names(client.get("/partners?q=paris"))
    assert "Berlin Works" not in _names(client.get("/partners?q=HEALTHCARE"))  # a term's name
    refused = client.get("/partners?country=atlantis")
    assert refused.status_code == 422  # not a country of program.yml: a message, no filter


def test_order_is_tier_then_certified_people_then_accepted_referrals(app):
    program = current_content().program
    listed_partner("Zeta Silver", tier="silver")
    _, few_admin = listed_partner("Alpha Few")
    many, many_admin = listed_partner("Beta Many")
    new_certification(many_admin)
    colleague = new_user(Role.PARTNER_USER, many.organization)
    new_certification(colleague)
    new_certification(few_admin)
    listing.refresh_counts()
    db.session.commit()
    page, total = listing.search(program, {})
    assert total == 3
    assert [item.name for item in page.rows] == ["Zeta Silver", "Beta Many", "Alpha Few"]
    assert many.certified_by_path == {"basics": 2}
    assert "|basics|" in many.certified_paths
    only_certified, _ = listing.search(program, {"path": "basics"})
    assert [item.name for item in only_certified.rows] == ["Beta Many", "Alpha Few"]


def test_pages_follow_the_order_and_cost_the_same_statements(app, count_queries):
    program = current_content().program
    for index in range(5):
        listed_partner(f"Partner {index}")
    first, _ = listing.search(program, {}, per_page=2)
    second, _ = listing.search(program, {}, after=first.next_cursor, per_page=2)
    third, _ = listing.search(program, {}, after=second.next_cursor, per_page=2)
    names = [item.name for page in (first, second, third) for item in page.rows]
    assert names == [f"Partner {i}" for i in range(5)]
    assert third.next_cursor is None
    with count_queries() as counter:
        listing.search(program, {"country": "de", "q": "Partner"}, after=first.next_cursor)
    assert counter.count == 2  # the page's ids with the total, then its rows


def test_the_list_page_is_flat_in_statements(app, client, count_queries):
    for index in range(6):
        listed_partner(f"Flat {index}")
    with count_queries() as few:
        client.get("/partners")
    for index in range(6, 12):
        listed_partner(f"Flat {index}")
    with count_queries() as more:
        response = client.get("/partners")
    assert response.status_code == 200
    assert more.count == few.count


def test_profile_page_shows_the_published_profile_with_sharing_tags(app, client):
    profile, _ = listed_partner(
        "Share Co", description="Plants **and** <script>alert(1)</script> [site](javascript:x)"
    )
    body = _names(client.get(f"/partners/{profile.slug}"))
    assert '<link rel="canonical" href="http://portal.test/partners/share-co">' in body
    assert '<meta property="og:title" content="Share Co">' in body
    assert "<strong>and</strong>" in body
    assert "<script>alert(1)" not in body and "javascript:x" not in body
    assert "Germany" in body and "Manufacturing" in body
    assert "Contact this partner" in body


def test_the_nightly_refresh_recomputes_the_figures(app, runner):
    profile, admin = listed_partner("Nightly")
    new_certification(admin)
    assert profile.certified_total == 0  # approved before the certificate
    outcome = runner.invoke(args=["directory", "refresh"])
    assert outcome.exit_code == 0, outcome.output
    assert "refreshed the figures of 1 profiles" in outcome.output
    db.session.refresh(profile)
    assert profile.certified_total == 1 and profile.counts_refreshed_at is not None


def test_the_sitemap_is_one_query_and_revalidates_with_its_etag(app, client, count_queries):
    for n in range(3):
        listed_partner(f"Mapped Partner {n}")
    with count_queries() as counter:
        first = client.get("/sitemap.xml")
    assert first.status_code == 200 and first.mimetype == "application/xml"
    assert counter.count == 1
    body = _names(first)
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert body.count("<url>") == 4  # the list and the three partners
    assert "http://portal.test/partners/mapped-partner-1</loc><lastmod>" in body
    etag = first.headers["ETag"]
    again = client.get("/sitemap.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # A new listed partner changes the body, so the old tag no longer matches.
    listed_partner("Mapped Partner New")
    changed = client.get("/sitemap.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "mapped-partner-new" in _names(changed)


def test_a_worker_reuses_its_sitemap_for_a_while(app, client, count_queries):
    from portal.directory.sitemap import SitemapCache

    listed_partner("Cached Partner")
    app.extensions["directory_sitemap"] = SitemapCache(300)
    try:
        first = client.get("/sitemap.xml")
        listed_partner("Later Partner")
        with count_queries() as counter:
            again = client.get("/sitemap.xml")
        assert counter.count == 0
        assert (
            again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
        )
        assert "later-partner" not in _names(again)
    finally:
        del app.extensions["directory_sitemap"]


def test_the_sitemap_cache_makes_a_new_copy_once_stale():
    from portal.directory.sitemap import SitemapCache

    cache = SitemapCache(300)
    made = iter(["<a/>", "<b/>"])
    assert cache.get(0.0, lambda: next(made))[0] == "<a/>"
    assert cache.get(299.0, lambda: next(made))[0] == "<a/>"
    assert cache.get(300.0, lambda: next(made))[0] == "<b/>"
