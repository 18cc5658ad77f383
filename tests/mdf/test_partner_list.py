"""The partner's MDF page lists the organisation's requests 25 at a time, newest first."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.service import RequestInput, request_funds


def test_requests_come_a_page_at_a_time_with_a_link_to_older_ones(
    client, login, make_org, make_user, count_queries
):
    rules = current_content().program.mdf
    assert rules is not None
    org = make_org(tier="gold")
    admin = make_user(Role.PARTNER_ADMIN, org)
    other = make_user(Role.PARTNER_ADMIN, make_org(tier="gold"))
    day = utcnow().date() - timedelta(days=1)
    for number in range(1, 31):
        data = RequestInput("event", day, f"Activity number {number:02d}", "An event.", 100)
        request_funds(admin, data, rules, "USD")
    request_funds(other, RequestInput("event", day, "Not ours", "An event.", 100), rules, "USD")
    db.session.commit()

    login(admin)
    with count_queries() as first_page:
        first = client.get("/mdf").get_data(as_text=True)
    assert "Activity number 30" in first and "Activity number 06" in first
    assert "Activity number 05" not in first and "Not ours" not in first
    older = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert older.startswith("/mdf?before=")
    with count_queries() as second_page:
        second = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert "Activity number 05" in second and "Activity number 01" in second
    assert "Activity number 06" not in second and 'rel="next"' not in second
    assert "Newest" in second
    assert second_page.count == first_page.count
    assert client.get("/mdf?before=" + "9" * 40).status_code == 200  # not an id: the first page
