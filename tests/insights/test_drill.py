"""The lists behind the figures: the same rows the figures count, filtered the same way."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.insights import dataset


@pytest.fixture
def world(app, module_world) -> dataset.World:
    return module_world("insights dataset", dataset.build)


def _first_column(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<tr><td[^>]*>(.*?)</td>", body)
    ]


@pytest.mark.parametrize(
    ("url", "first_column"),
    [
        ("/insights/drill/invited?period=90", ["Bravo", "Charlie", "Delta"]),
        ("/insights/drill/invited?period=90&type=reseller", ["Bravo"]),
        ("/insights/drill/activated?period=90", ["Bravo"]),
        ("/insights/drill/first-referral?period=90", ["Alpha", "Bravo", "Charlie"]),
        ("/insights/drill/first-win?period=90", ["Alpha"]),
        ("/insights/drill/funnel?key=first_win", ["Alpha", "Echo"]),
        ("/insights/drill/kit-used?period=90", ["Alpha", "Bravo"]),
        ("/insights/drill/certs-issued?period=90", ["Ann A", "Bob B"]),
        ("/insights/drill/certs-expiring", ["Abe A"]),
        ("/insights/drill/certified-now?key=basics", ["Ann A", "Abe A"]),
        ("/insights/drill/first-attempts?period=90", ["Bea B", "Ann A"]),
        ("/insights/drill/active-users?period=90&tier=silver", ["Ann A", "Abe A"]),
        ("/insights/drill/events?period=90&key=login", ["Ann A", "Abe A", "Cat C"]),
        ("/insights/drill/submitted?period=90&region=Europe", ["R-", "R-", "R-"]),
        ("/insights/drill/won?period=90", ["R-"]),
        ("/insights/drill/closed?period=90&key=accepted", ["R-", "R-"]),
        ("/insights/drill/open?key=proposal", ["R-"]),
        ("/insights/drill/stale", ["R-"]),
        ("/insights/drill/overdue-now?key=0", ["R-"]),
        ("/insights/drill/meetings?period=90", ["Qbr", "Call", "Joint plan review"]),
        ("/insights/drill/commissions?period=90&key=approved", ["R-", "R-"]),
        ("/insights/drill/commissions-now?key=paid", ["R-"]),
    ],
)
def test_each_list_holds_the_rows_its_figure_counts(
    world, client, login, staff_user, url, first_column
):
    response = login(staff_user).get(url)
    assert response.status_code == 200
    shown = _first_column(response.get_data(as_text=True))
    if first_column and first_column[0] == "R-":
        assert len(shown) == len(first_column) and all(s.startswith("R-") for s in shown)
    elif url.startswith("/insights/drill/meetings"):
        assert len(shown) == 3
    else:
        assert sorted(shown) == sorted(first_column)


def test_referral_rows_link_to_the_inbox_and_organisations(world, client, login, staff_user):
    html = login(staff_user).get("/insights/drill/stale").get_data(as_text=True)
    r3 = world.referrals["R3"]
    assert f'href="/inbox/R-{r3:06d}">R-{r3:06d}</a>' in html
    assert f'href="/staff/orgs/{world.orgs["B"]}">Bravo</a>' in html
    assert "Stale referrals" in html and "1 row, read live" in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/insights/drill/open?key=shipped", "Unknown choice “shipped”"),
        ("/insights/drill/invited?key=x", "This list takes no further choice"),
        ("/insights/drill/stale?key=abc", "Unknown owner"),
        ("/insights/drill/stale?key=99999999999999999999", "Unknown owner"),
        ("/insights/drill/invited?page=0", "Choose a page from 1 to 200"),
        ("/insights/drill/invited?page=201", "Choose a page from 1 to 200"),
        ("/insights/drill/invited?period=soon", "Unknown period"),
    ],
)
def test_unknown_choices_are_named_and_ignored(world, client, login, staff_user, url, message):
    response = login(staff_user).get(url)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_an_unknown_list_is_not_found(client, login, staff_user):
    assert login(staff_user).get("/insights/drill/passwords").status_code == 404


def test_a_list_downloads_as_csv_and_the_download_is_audited(world, client, login, staff_user):
    response = login(staff_user).get("/insights/drill/submitted?period=90&key=sourced&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Referral", "Company", "Partner"]
    assert sorted(row[1] for row in rows[1:]) == [
        "Company R1",
        "Company R3",
        "Company R4",
        "Company R7",
    ]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "insights.exported"))
    assert entry is not None and entry.actor_id == staff_user.id
    assert entry.after == {"period": "90", "key": "sourced"}


def test_long_lists_are_paged(world, client, login, staff_user, make_org):
    for n in range(55):
        make_org(name=f"Page Co {n:02d}")
    login(staff_user)
    first = client.get("/insights/drill/invited?period=30").get_data(as_text=True)
    assert len(_first_column(first)) == 50 and 'rel="next"' in first
    second = client.get("/insights/drill/invited?period=30&page=2").get_data(as_text=True)
    assert len(_first_column(second)) == 6 and 'rel="prev"' in second
