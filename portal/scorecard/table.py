"""The scorecard as rows of text: one source for the page's tables and the CSV download, so
the two always say the same thing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from portal.inbox.export import guard_cell
from portal.money import format_money, from_minor
from portal.referrals.events import stage_name
from portal.scorecard.figures import QuarterFigures, Ratio, Scorecard

__all__ = ["Row", "Section", "csv_filename", "csv_lines", "sections"]


@dataclass(frozen=True)
class Row:
    """One figure across the quarters: text for people, plain values for a spreadsheet."""

    key: str  # names the figure for links and tests, e.g. "submitted"
    label: str
    cells: tuple[str, ...]  # per quarter, oldest first
    values: tuple[str, ...]  # the same as numbers a spreadsheet reads
    kind: str = ""  # what the figure links to, when not its key (commissions per currency)

    @property
    def link_key(self) -> str:
        return self.kind or self.key


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str
    rows: tuple[Row, ...]


def _commission_columns(
    which: str, code: str
) -> tuple[Callable[[QuarterFigures], str], Callable[[QuarterFigures], object]]:
    """The text and the value of one currency's earned or paid commissions in a quarter."""

    def minor(figures: QuarterFigures) -> int:
        amounts: dict[str, int] = getattr(figures.commissions, which)
        return amounts.get(code, 0)

    return (
        lambda figures: format_money(minor(figures), code),
        lambda figures: from_minor(minor(figures), code),
    )


def _row(
    key: str,
    label: str,
    figures: Iterable[QuarterFigures],
    text: Callable[[QuarterFigures], str],
    value: Callable[[QuarterFigures], object],
    kind: str = "",
) -> Row:
    quarters = list(figures)
    return Row(
        key,
        label,
        tuple(text(q) for q in quarters),
        tuple(_plain(value(q)) for q in quarters),
        kind,
    )


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _ratio_text(ratio: Ratio) -> str:
    return f"{ratio.part} of {ratio.whole}" + (f" ({ratio})" if ratio.whole else "")


def _percent_value(ratio: Ratio) -> float | None:
    return ratio.percent


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 72 else f"{hours / 24:.1f} days"


def _money(amounts: dict[str, int], currency: str) -> str:
    if not amounts:
        return format_money(0, currency)
    return " + ".join(format_money(minor, code) for code, minor in sorted(amounts.items()))


def sections(card: Scorecard) -> tuple[Section, ...]:
    """The scorecard's figures, grouped as the page shows them."""
    q = card.quarters
    currency = card.currency
    enablement = Section(
        "enablement",
        "People and enablement",
        "People invited and certified are counted at each quarter's end (now, for a quarter "
        "still running).",
        (
            _row("people", "People certified of people invited", q,
                 lambda f: _ratio_text(f.certified_of_invited), lambda f: f.people.certified),
            _row("invited", "People invited", q,
                 lambda f: str(f.people.invited), lambda f: f.people.invited),
            _row("certificates", "Certificates issued", q,
                 lambda f: str(f.people.certificates_issued),
                 lambda f: f.people.certificates_issued),
            _row("modules", "Modules completed", q,
                 lambda f: str(f.modules_completed), lambda f: f.modules_completed),
            _row("downloads", "Kit downloads", q,
                 lambda f: str(f.activity.kit_downloads), lambda f: f.activity.kit_downloads),
            _row("views", "Content views", q,
                 lambda f: str(f.activity.content_views), lambda f: f.activity.content_views),
        ),
    )  # fmt: skip
    referrals = Section(
        "referrals",
        "Referrals",
        "Submitted, accepted and won follow the referrals submitted in each quarter; deals "
        "won and lost, and the win rate, count deals closed in the quarter.",
        (
            _row("submitted", "Referrals submitted", q,
                 lambda f: str(f.referrals.submitted), lambda f: f.referrals.submitted),
            _row("accepted", "… of which accepted", q,
                 lambda f: str(f.referrals.accepted), lambda f: f.referrals.accepted),
            _row("won_of_submitted", "… of which won", q,
                 lambda f: str(f.referrals.won_of_submitted),
                 lambda f: f.referrals.won_of_submitted),
            _row("won", "Deals won", q, lambda f: str(f.referrals.won), lambda f: f.referrals.won),
            _row("lost", "Deals lost", q,
                 lambda f: str(f.referrals.lost), lambda f: f.referrals.lost),
            _row("won_value", f"Won value ({currency})", q,
                 lambda f: format_money(f.referrals.won_value, currency),
                 lambda f: from_minor(f.referrals.won_value, currency)),
            _row("win_rate", "Win rate", q,
                 lambda f: _ratio_text(f.win_rate), lambda f: _percent_value(f.win_rate)),
            _row("program_win_rate", "Program average win rate", q,
                 lambda f: _ratio_text(f.program_win_rate),
                 lambda f: _percent_value(f.program_win_rate)),
        ),
    )  # fmt: skip
    responsiveness = Section(
        "responsiveness",
        "The partner team's responsiveness",
        "How fast the partner team answered the referrals submitted and the questions asked "
        "in each quarter: the median time to the first response, and first responses on time "
        "against the SLA.",
        (
            _row("median_response", "Median first response", q,
                 lambda f: _hours(f.median_response_seconds),
                 lambda f: f.median_response_hours),
            _row("sla", "First responses on time", q,
                 lambda f: _ratio_text(f.sla_attainment),
                 lambda f: _percent_value(f.sla_attainment)),
            _row("questions_asked", "Questions asked", q,
                 lambda f: str(f.questions.asked), lambda f: f.questions.asked),
            _row("question_median_response", "Median first answer to a question", q,
                 lambda f: _hours(f.questions.median_response_seconds),
                 lambda f: None if f.questions.median_response_seconds is None
                 else f.questions.median_response_seconds / 3600),
            _row("question_sla", "Questions answered on time", q,
                 lambda f: _ratio_text(f.question_sla_attainment),
                 lambda f: _percent_value(f.question_sla_attainment)),
            _row("question_breaches", "Questions past their first-response time", q,
                 lambda f: str(f.questions.breached), lambda f: f.questions.breached),
        ),
    )  # fmt: skip
    currencies = sorted(
        {currency} | {c for f in q for c in (*f.commissions.earned, *f.commissions.paid)}
    )
    commissions = Section(
        "commissions",
        "Commissions",
        "Earned: commissions on deals won in the quarter, whatever their status now. Paid: "
        "paid out in the quarter.",
        tuple(
            row
            for code in currencies
            for row in (
                _row(f"earned_{code}", f"Commissions earned ({code})", q,
                     *_commission_columns("earned", code), "earned"),
                _row(f"paid_{code}", f"Commissions paid ({code})", q,
                     *_commission_columns("paid", code), "paid"),
            )
        ),
    )  # fmt: skip
    return (enablement, referrals, responsiveness, commissions)


def pipeline_rows(card: Scorecard) -> list[tuple[str, str, int, str]]:
    """(status, stage name, open referrals, estimated value text) per stage, now."""
    currency = card.currency
    return [
        (stage.status, stage_name(stage.status), stage.count, _money(stage.estimated, currency))
        for stage in card.pipeline
    ]


def csv_filename(card: Scorecard) -> str:
    """A file name that says whose scorecard, and which quarter: scorecard-42-2026-Q1.csv."""
    return f"scorecard-{card.organization.id}-{card.selected.quarter.label}.csv"


def csv_lines(card: Scorecard) -> Iterator[str]:
    """The scorecard as CSV lines: a header of quarters, then one figure per line; the open
    pipeline and the activation date fill the selected quarter's column. Formula-guarded."""
    labels = [f.quarter.label for f in card.quarters]
    blank = [""] * (len(labels) - 1)
    yield _line(["section", "figure", *labels])
    activated = card.organization.activated_at
    yield _line(["organisation", card.organization.name, *blank, ""])
    yield _line(["organisation", "activation date", *blank,
                 activated.date().isoformat() if activated else ""])  # fmt: skip
    for section in sections(card):
        for row in section.rows:
            yield _line([section.title, row.label, *row.values])
    for _status, name, count, _value in pipeline_rows(card):
        yield _line(["open pipeline now", f"{name}: open referrals", *blank, str(count)])
    for stage in card.pipeline:
        for code, minor in sorted(stage.estimated.items()):
            yield _line(["open pipeline now",
                         f"{stage_name(stage.status)}: estimated value ({code})", *blank,
                         str(from_minor(minor, code))])  # fmt: skip


def _line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([guard_cell(str(cell)) for cell in cells])
    return buffer.getvalue()
