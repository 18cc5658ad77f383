"""/insights as staff see it: sections, figures with their change, filters, messages, charts,
freshness, CSV and the statements a page costs."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.insights.models import InsightSnapshot
from portal.insights.rollup import rollup
from tests.insights import dataset
from tests.insights.dataset import NOW


@pytest.fixture
def world(app, module_world) -> dataset.World:
    return module_world("insights dataset", dataset.build)


def _figure(html: str, figure_id: str) -> tuple[str, str]:
    """(value, change) of one figure card."""
    card = re.search(rf'<li class="kpi" id="figure-{figure_id}">(.*?)</li>', html, re.S)
    assert card, f"no figure {figure_id}"
    value = re.search(r'class="kpi-value"[^>]*>([^<]+)', card.group(1)).group(1).strip()
    change = re.search(r'class="kpi-change">([^<]+)', card.group(1))
    return value, change.group(1).strip() if change else ""


def test_the_eight_sections_in_order_with_their_figures(world, client, login, staff_user):
    html = login(staff_user).get("/insights?period=90").get_data(as_text=True)
    headings = re.findall(r'<h2 id="[a-z-]+-heading">([^<]+)</h2>', html)
    assert headings == [
        "1. Recruited and activated",
        "2. Enablement",
        "3. Joint pipeline",
        "4. Conversion",
        "5. Engagement",
        "6. Responsiveness",
        "7. Commissions",
        "8. Partners needing attention",
        "9. Market development funds",
        "10. Leads routed to partners",
    ]
    assert _figure(html, "invited") == ("3", "+2 (+200 %) on the 90 days before")
    assert _figure(html, "first-win") == ("1", "no change on the 90 days before")
    assert _figure(html, "first-attempt-pass-rate") == (
        "50 %",
        "-50.0 points on the 90 days before",
    )
    assert _figure(html, "submitted")[0] == "5"
    assert _figure(html, "win-rate")[0] == "50 %"
    assert _figure(html, "days-to-close") == ("60", "+10 days (+20 %) on the 90 days before")
    assert _figure(html, "active-users") == ("5", "+3 (+150 %) on the 90 days before")
    assert _figure(html, "sla-attainment")[0] == "60 %"
    assert _figure(html, "median-first-response")[0] == "24.0 h"
    assert _figure(html, "stale")[0] == "1"
    assert _figure(html, "commissions-approved") == (
        "USD 1,600",
        "+USD 1,600 (none before) on the 90 days before",
    )
    assert _figure(html, "attention-stalled")[0] == "1"
    assert "direct sales 21 %" not in html  # the fixture program's baseline is 25 %
    assert "direct sales 25 %" in html


def test_every_figure_links_to_the_list_behind_it(world, client, login, staff_user):
    html = login(staff_user).get("/insights?period=90&type=reseller").get_data(as_text=True)
    cards = re.findall(r'<li class="kpi" id="figure-([a-z-]+)">(.*?)</li>', html, re.S)
    assert len(cards) >= 30
    for figure_id, card in cards:
        assert 'class="kpi-value" href="' in card, f"{figure_id} has no drill-down"
    assert 'href="/insights/drill/invited?period=90&amp;type=reseller"' in html
    # With a partner-type filter the inbox cannot show the same rows: the drill-down can.
    assert 'href="/insights/drill/stale?period=90&amp;type=reseller"' in html
    assert 'href="/staff/orgs?type=reseller&amp;flag=stalled"' in html


def test_stale_referrals_open_the_inbox_filtered_to_stale(world, client, login, staff_user):
    html = login(staff_user).get("/insights?region=Europe").get_data(as_text=True)
    stale = re.search(r'id="figure-stale">.*?href="([^"]+)"', html, re.S).group(1)
    assert stale == "/inbox/?region=Europe&amp;sla=stale"
    inbox = client.get(stale.replace("&amp;", "&")).get_data(as_text=True)
    assert "Company R3" in inbox and "Company R4" not in inbox


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=7", "Unknown period “7”: showing the last 90 days."),
        ("period=1999-Q1", "Unknown period"),
        ("type=<b>partner</b>", "Unknown partner type “&lt;b&gt;partner&lt;/b&gt;”"),
        ("tier=platinum", "Unknown tier “platinum”: showing every tier."),
        ("region=Atlantis", "Unknown region “Atlantis”: showing every region."),
        ("format=pdf", "Unknown format “pdf”"),
        ("period=" + "9" * 5000, "Unknown period"),
    ],
)
def test_unknown_arguments_are_named_and_ignored(client, login, staff_user, query, message):
    response = login(staff_user).get(f"/insights?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "<b>partner</b>" not in html


def test_the_period_selector_offers_rolling_periods_and_quarters(client, login, staff_user):
    html = login(staff_user).get("/insights?period=365").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]+)"( selected)?>', html.split("insights-period")[2])
    keys = [key for key, _ in options][:11]
    assert keys[:3] == ["30", "90", "365"]
    assert all(re.fullmatch(r"\d{4}-Q[1-4]", key) for key in keys[3:11])
    assert ("365", " selected") in options


def test_charts_are_svg_with_a_title_a_summary_and_their_data(world, client, login, staff_user):
    html = login(staff_user).get("/insights").get_data(as_text=True)
    charts = re.findall(r'<figure class="chart" id="([a-z-]+)">(.*?)</figure>', html, re.S)
    assert {name for name, _ in charts} >= {
        "funnel-chart", "cohorts-chart", "paths-chart", "pipeline-chart", "open-chart",
        "conversion-chart", "activity-chart", "owners-chart", "commissions-chart",
    }  # fmt: skip
    for name, body in charts:
        assert f'<svg role="img" aria-labelledby="{name}-title {name}-desc"' in body
        assert f'<title id="{name}-title">' in body and f'<desc id="{name}-desc">' in body
        assert "<figcaption>" in body
        assert "<script" not in body and "style=" not in body
    assert "Data table for “Partner funnel: invited to first win”" in html
    assert "Of every organisation invited so far: 5 invited, 3 activated (60 %)" in html


def test_tables_download_as_csv(world, client, login, staff_user):
    response = login(staff_user).get("/insights?period=90&format=csv&table=owners")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment; filename=insights-owners-90.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Owner"
    assert [row[0] for row in rows[1:]] == ["Olu Owner", "Sam Staff", "Unassigned"]
    assert rows[2][2] == "17.0"  # Sam Staff's median first response, in hours

    funnel = client.get("/insights?format=csv&table=funnel").get_data(as_text=True)
    assert "Invited,5," in funnel and "First win,2," in funnel


def test_a_table_that_is_not_on_the_page_is_refused_with_a_message(client, login, staff_user):
    response = login(staff_user).get("/insights?format=csv&table=passwords")
    assert response.status_code == 400
    assert "There is no table “passwords” on this page" in response.get_data(as_text=True)


def test_figures_come_from_the_rollup_and_say_how_fresh(world, client, login, staff_user):
    login(staff_user)
    live = client.get("/insights").get_data(as_text=True)
    assert "Computed just now: there is no rollup for this period yet" in live

    rollup(current_content())
    html = client.get("/insights").get_data(as_text=True)
    assert "Figures as of" in html and "from the hourly rollup" in html
    assert _figure(html, "invited")[0] == "3"

    db.session.execute(sa.update(InsightSnapshot).values(computed_at=NOW - timedelta(days=2)))
    db.session.commit()
    stale = client.get("/insights").get_data(as_text=True)
    assert "These figures are more than a day old" in stale


def test_statements_per_page_do_not_grow_with_the_data(
    world, client, login, staff_user, count_queries
):
    login(staff_user)
    rollup(current_content(), now=NOW)
    counts = []
    for query in ("period=90", "period=365&type=reseller", "period=30&region=Europe&tier=gold"):
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.get(f"/insights?{query}").status_code == 200
        counts.append(counter.count)
    assert counts == [counts[0]] * 3
    assert counts[0] <= 3  # the user, the snapshot (and nothing per figure)


def test_region_filter_says_what_it_applies_to(client, login, staff_user):
    html = login(staff_user).get("/insights?region=Europe").get_data(as_text=True)
    assert "referral figures (sections 3, 4, 6 and 7) count referrals for customers in" in html
    assert "organisation figures (sections 1, 2, 5 and 8) count partners" in html


def test_names_are_escaped(client, login, staff_user, make_user, make_org, make_referral):
    owner = make_user("staff", None, email="x@vendor.example", name="<script>alert(1)</script>")
    partner = make_user(org=make_org(name="<img src=x onerror=alert(1)>"))
    referral = make_referral(partner)
    referral.owner_id = owner.id
    referral.submitted_at = NOW - timedelta(hours=2)
    referral.first_responded_at = NOW - timedelta(hours=1)
    db.session.commit()
    html = login(staff_user).get("/insights").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    drill = client.get("/insights/drill/submitted").get_data(as_text=True)
    assert "<img src=x" not in drill and "&lt;img src=x onerror=alert(1)&gt;" in drill


def test_an_empty_program_shows_dashes_not_errors(client, login, staff_user):
    html = login(staff_user).get("/insights?period=30").get_data(as_text=True)
    assert _figure(html, "win-rate") == ("—", "")
    assert _figure(html, "median-first-response") == ("—", "")
    assert _figure(html, "invited") == ("0", "no change on the 30 days before")
    assert "Nothing to show." not in html.split('id="funnel"')[1].split("</table>")[0]
