"""/insights counts graded quiz attempts by the content version they were graded against."""

from __future__ import annotations

import csv
import io
import re

import pytest

from portal.insights.page_growth import versions_table
from tests.insights import dataset


@pytest.fixture
def world(app, module_world) -> dataset.World:
    return module_world("insights dataset", dataset.build)


def test_the_enablement_section_counts_attempts_by_content_version(
    world, client, login, staff_user
):
    html = login(staff_user).get("/insights?period=90").get_data(as_text=True)
    table = re.search(r'<table id="content-versions">(.*?)</table>', html, re.S)
    assert table, "no content-versions table"
    assert "Quiz attempts by content version (graded in the period)" in table.group(1)
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table.group(1).split("<tbody>")[1])
    # The dataset's graded attempts were all graded against version "v": three in the last
    # 90 days (two passed), one in the 90 days before; the open attempt is not counted.
    assert cells == ["v", "3", "2", "1"]


def test_the_versions_table_downloads_as_csv(world, client, login, staff_user):
    response = login(staff_user).get("/insights?period=90&format=csv&table=content-versions")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["Content version", "Graded attempts", "Passed", "Graded the period before"],
        ["v", "3", "2", "1"],
    ]


def test_the_current_version_is_marked_and_busiest_versions_come_first() -> None:
    table = versions_table(
        [
            {"version": "abc", "graded": 9, "passed": 4, "graded_before": 0},
            {"version": "def", "graded": 2, "passed": 2, "graded_before": 7},
        ],
        current="def",
    )
    assert [row[0].text for row in table.rows] == ["abc", "def (current)"]
    assert [row[0].csv for row in table.rows] == ["abc", "def"]
