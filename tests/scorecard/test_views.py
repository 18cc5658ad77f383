"""The scorecard pages and CSV: what a partner admin and staff see, bad quarters, printing."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from portal.accounts.models import Role
from portal.scorecard import views
from tests.conftest import new_user
from tests.scorecard import dataset
from tests.scorecard.dataset import NOW


@pytest.fixture
def data(app, monkeypatch) -> dataset.Dataset:
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    return dataset.build()


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _row(response, key: str) -> str:
    """The text of one figure's table row (id figure-<key>)."""
    page = response.get_data(as_text=True)
    match = re.search(rf'<tr id="figure-{key}">(.*?)</tr>', page, re.S)
    assert match, f"no row {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_a_partner_admin_reads_their_scorecard_for_the_current_quarter(data, login) -> None:
    response = login(data.acme_admin).get("/scorecard")
    assert response.status_code == 200
    text = _text(response)
    assert "Scorecard: Acme Referrals, Q2 2026" in text
    assert "Activated 20 Aug 2025" in text
    assert _row(response, "submitted") == "Referrals submitted 2 2 2 4"
    assert (
        _row(response, "win_rate") == "Win rate 0 of 1 (0%) 1 of 1 (100%) 1 of 2 (50%) 1 of 2 (50%)"
    )
    assert _row(response, "program_win_rate").endswith("2 of 5 (40%)")
    assert _row(response, "median_response") == "Median first response 3.0 h 30.0 h 10.0 h 20.0 h"
    assert _row(response, "sla") == (
        "First responses on time 2 of 2 (100%) 1 of 2 (50%) 1 of 2 (50%) 3 of 3 (100%)"
    )
    assert _row(response, "earned_EUR").endswith("EUR 0.00 EUR 0.00 EUR 0.00 EUR 800.00")
    assert _row(response, "people").startswith("People certified of people invited 1 of 1")
    # The charts' text equivalents say what the bars show.
    assert "In Q2 2026: 4 submitted, 2 accepted and 0 won of them so far." in text
    assert "In Q2 2026: 50% of closed deals won (1 of 2); the program's average was 40%." in text
    assert "Now: 4 open referrals." in text


def test_figures_link_to_the_partners_own_pages(data, login) -> None:
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert '<a href="/referrals">Referrals submitted</a>' in page
    assert '<a href="/earnings">Commissions earned (USD)</a>' in page
    assert '<a href="/kits">Kit downloads</a>' in page


def test_an_earlier_quarter_is_chosen_in_the_query_string(data, login) -> None:
    response = login(data.acme_admin).get("/scorecard?quarter=2026-Q1")
    assert response.status_code == 200
    assert "Scorecard: Acme Referrals, Q1 2026" in _text(response)
    # 2025-Q2 holds the referral submitted a second before Q3 began.
    assert _row(response, "submitted") == "Referrals submitted 1 2 2 2"
    assert '<option value="2026-Q1" selected>Q1 2026</option>' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2026-Q9", "is not a quarter: write the year, a dash and Q1 to Q4, such as 2026-Q2."),
        ("2026-Q3", "Q3 2026 has not started yet: the latest quarter is Q2 2026."),
        ("1066-Q4", "The scorecard starts in 2000: choose a later quarter."),
        ("%3Cscript%3E", "“&lt;script&gt;” is not a quarter"),
    ],
)
def test_a_bad_quarter_is_named_and_the_current_one_shown(data, login, quarter, message) -> None:
    response = login(data.acme_admin).get(f"/scorecard?quarter={quarter}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Showing Q2 2026." in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_another_organisations_admin_sees_only_their_own_figures(data, login) -> None:
    response = login(data.globex_admin).get("/scorecard?quarter=2026-Q2")
    text = _text(response)
    assert "Scorecard: Globex Resellers, Q2 2026" in text
    assert "Acme" not in text
    assert _row(response, "submitted") == "Referrals submitted 0 1 0 4"
    # The program's average is the program's, whoever looks.
    assert _row(response, "program_win_rate").endswith("2 of 5 (40%)")


def test_a_partner_user_may_not_read_the_scorecard(data, login) -> None:
    assert login(data.acme_user).get("/scorecard").status_code == 403
    assert login(data.acme_user).get("/scorecard.csv").status_code == 403


def test_staff_read_any_organisations_scorecard_with_links_to_their_lists(data, login) -> None:
    staff = new_user(Role.STAFF, None, email="sam@vendor.example")
    response = login(staff).get(f"/staff/orgs/{data.acme.id}/scorecard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/staff/orgs/{data.acme.id}">← Acme Referrals</a>' in page
    assert _row(response, "submitted") == "Referrals submitted 2 2 2 4"
    assert f'href="/inbox/?organization_id={data.acme.id}&amp;status=won">Deals won</a>' in page
    assert login(staff).get("/staff/orgs/999999/scorecard").status_code == 404
    org_page = login(staff).get(f"/staff/orgs/{data.acme.id}").get_data(as_text=True)
    assert f'href="/staff/orgs/{data.acme.id}/scorecard">Quarterly scorecard</a>' in org_page


def test_the_csv_download_holds_every_figure_by_quarter(data, login) -> None:
    response = login(data.acme_admin).get("/scorecard.csv?quarter=2026-Q2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="scorecard-{data.acme.id}-2026-Q2.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["section", "figure", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    by_figure = {row[1]: row[2:] for row in rows[1:]}
    assert by_figure["activation date"] == ["", "", "", "2025-08-20"]
    assert by_figure["Referrals submitted"] == ["2", "2", "2", "4"]
    assert by_figure["Win rate"] == ["0.0", "100.0", "50.0", "50.0"]
    assert by_figure["Program average win rate"] == ["0.0", "100.0", "50.0", "40.0"]
    assert by_figure["Median first response"] == ["3.0", "30.0", "10.0", "20.0"]
    assert by_figure["Won value (USD)"] == ["0.00", "20000.00", "5000.00", "0.00"]
    assert by_figure["Commissions paid (USD)"] == ["0.00", "0.00", "2000.00", "0.00"]
    assert by_figure["Qualified: open referrals"] == ["", "", "", "1"]
    assert by_figure["Qualified: estimated value (USD)"] == ["", "", "", "30000.00"]


def test_the_csv_guards_cells_a_spreadsheet_would_run(data, login) -> None:
    data.acme.name = '=HYPERLINK("http://evil.example")'
    from portal.extensions import db

    db.session.commit()
    rows = list(
        csv.reader(io.StringIO(login(data.acme_admin).get("/scorecard.csv").get_data(as_text=True)))
    )
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_a_bad_quarter_in_the_csv_is_refused_with_the_reason(data, login) -> None:
    response = login(data.acme_admin).get("/scorecard.csv?quarter=next")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "“next” is not a quarter" in response.get_data(as_text=True)


def test_the_scorecard_prints_without_menus_and_with_its_bars(data, login) -> None:
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert 'class="filters no-print"' in page
    assert '<svg class="bar' in page and 'aria-hidden="true"' in page
    css = (Path(views.__file__).parent.parent / "static" / "css" / "app.css").read_text()
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert ".site-header" in print_rules and ".no-print" in print_rules
    assert ".scorecard-section" in print_rules and "print-color-adjust: exact" in print_rules
