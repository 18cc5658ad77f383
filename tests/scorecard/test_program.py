"""The program's average win rate: stored by `flask scorecard refresh`, counted live for a
quarter not stored yet, and the page says when it was counted."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.scorecard import views
from portal.scorecard.figures import scorecard_for
from portal.scorecard.models import ProgramQuarter
from portal.scorecard.program import program_outcomes, refresh_program_outcomes
from portal.scorecard.quarters import Quarter
from tests.scorecard import dataset
from tests.scorecard.dataset import NOW, SELECTED


def test_quarters_not_stored_are_counted_live(app) -> None:
    dataset.build()
    outcomes = program_outcomes(SELECTED.trailing(4))
    assert [(o.won, o.lost, o.computed_at) for o in outcomes] == [
        (0, 1, None),
        (2, 0, None),
        (1, 1, None),
        (2, 3, None),
    ]


def test_the_refresh_stores_eight_quarters_and_the_scorecard_reads_them(app) -> None:
    data = dataset.build()
    done = refresh_program_outcomes(NOW)
    db.session.commit()
    assert done[0].label == "2024-Q3" and done[-1] == SELECTED
    stored = {r.quarter: (r.won, r.lost) for r in db.session.scalars(sa.select(ProgramQuarter))}
    assert len(stored) == 8
    assert stored["2026-Q2"] == (2, 3)
    # The scorecard reads what was stored (here made different on purpose) and when.
    db.session.get(ProgramQuarter, "2026-Q2").won = 8
    db.session.commit()
    card = scorecard_for(data.acme, SELECTED, current_content().program, NOW)
    assert (card.selected.program_won, card.selected.program_lost) == (8, 3)
    assert card.selected.program_counted_at == NOW


def test_refreshing_again_replaces_the_counts(app) -> None:
    dataset.build()
    refresh_program_outcomes(NOW - timedelta(days=1))
    refresh_program_outcomes(NOW)
    db.session.commit()
    row = db.session.get(ProgramQuarter, "2026-Q2")
    assert (row.won, row.lost, row.computed_at) == (2, 3, NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgramQuarter)) == 8


def test_the_command_says_what_it_stored(app, runner) -> None:
    result = runner.invoke(args=["scorecard", "refresh", "--quarters", "2"])
    assert result.exit_code == 0, result.output
    assert "Stored the program's win rate for" in result.output
    assert "(2 quarters)" in result.output
    refused = runner.invoke(args=["scorecard", "refresh", "--quarters", "0"])
    assert refused.exit_code == 2
    assert "0 is not in the range 1<=x<=40" in refused.output


def test_the_page_says_when_the_programs_average_was_counted(app, login, monkeypatch) -> None:
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    data = dataset.build()
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert "The program's averages were counted just now." in page
    refresh_program_outcomes(NOW - timedelta(minutes=20))
    db.session.commit()
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert "The program's averages were counted" in page
    assert "15 Jun 2026, 11:40 UTC" in page
    assert Quarter(2026, 2).label == "2026-Q2"
