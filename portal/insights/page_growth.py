"""Sections 1 and 2 of /insights: recruited and activated, enablement."""

from __future__ import annotations

from typing import Any

from portal.insights.charts import Chart, horizontal, vertical
from portal.insights.page_context import PageContext
from portal.insights.view_model import (
    Cell,
    Figure,
    Section,
    Table,
    count_text,
    percent,
    percent_text,
)

__all__ = ["enablement_section", "recruitment_section"]

FUNNEL = (
    ("invited", "Invited"),
    ("activated", "Activated"),
    ("first_referral", "First referral"),
    ("first_win", "First win"),
)
STATUS_NAMES = {
    "invited": "Invited",
    "onboarding": "Onboarding",
    "active": "Active",
    "suspended": "Suspended",
}


def _flow(context: PageContext, figure_id: str, label: str, pair: list[int], drill: str) -> Figure:
    current, previous = pair
    return Figure(
        id=figure_id,
        label=label,
        value=count_text(current),
        change=context.changed(current, previous),
        href=context.drill(drill),
    )


def recruitment_section(context: PageContext) -> Section:
    figures = context.figures["recruitment"]
    section = Section(
        id="recruitment",
        number=1,
        title="Recruited and activated",
        intro="Organisations invited and activated in the period, and how far every "
        "organisation has come: activation, a first referral, a first win.",
    )
    section.figures = [
        _flow(context, "invited", "Organisations invited", figures["invited"], "invited"),
        _flow(context, "activated", "Activated", figures["activated"], "activated"),
        _flow(
            context, "first-referral", "First referral", figures["first_referral"], "first-referral"
        ),
        _flow(context, "first-win", "First win", figures["first_win"], "first-win"),
    ]
    status = figures["status_now"]
    section.tables.append(
        Table(
            id="status-now",
            caption="Organisations by status now",
            headers=["Status", "Organisations"],
            rows=[
                [
                    Cell(name),
                    Cell(
                        count_text(status.get(key, 0)), context.orgs(status=key), status.get(key, 0)
                    ),
                ]
                for key, name in STATUS_NAMES.items()
            ],
            numeric=frozenset({1}),
        )
    )
    funnel = figures["funnel"]
    invited = funnel["invited"]
    section.tables.append(
        Table(
            id="funnel",
            caption="Every organisation so far: invited → activated → first referral → first win",
            headers=["Stage", "Organisations", "Of invited"],
            rows=[
                [
                    Cell(name),
                    Cell(count_text(funnel[key]), context.drill("funnel", key), funnel[key]),
                    Cell(percent_text(percent(funnel[key], invited))),
                ]
                for key, name in FUNNEL
            ],
            numeric=frozenset({1, 2}),
        )
    )
    summary = ", ".join(
        f"{funnel[key]:,} {name.lower()}"
        + (f" ({percent_text(percent(funnel[key], invited))})" if key != "invited" else "")
        for key, name in FUNNEL
    )
    section.charts.append(
        horizontal(
            "funnel-chart",
            "Partner funnel: invited to first win",
            f"Of every organisation invited so far: {summary}.",
            [name for _key, name in FUNNEL],
            ["Organisations"],
            [[funnel[key] for key, _ in FUNNEL]],
        )
    )
    section.charts[-1].table_id = "funnel"
    section.tables.append(_cohort_table(context, figures["cohorts"]))
    section.charts.append(_cohort_chart(figures["cohorts"]))
    return section


def _cohort_table(context: PageContext, cohorts: list[list]) -> Table:
    return Table(
        id="cohorts",
        caption="Median days from invitation to activation, by invite month",
        headers=["Invite month", "Invited", "Activated", "Median days to activation"],
        rows=[
            [
                Cell(month),
                Cell(count_text(invited), context.drill("cohort", month), invited),
                Cell(count_text(activated), raw=activated),
                Cell("—" if days is None else f"{days:.1f}", raw="" if days is None else days),
            ]
            for month, invited, activated, days in cohorts
        ],
        numeric=frozenset({1, 2, 3}),
    )


def _cohort_chart(cohorts: list[list]) -> Chart:
    with_days = [(m, d) for m, _i, _a, d in cohorts if d is not None]
    if with_days:
        fastest = min(with_days, key=lambda pair: pair[1])
        slowest = max(with_days, key=lambda pair: pair[1])
        summary = (
            f"{len(with_days)} of the last {len(cohorts)} invite months have activated "
            f"organisations; the fastest cohort ({fastest[0]}) took a median {fastest[1]:.1f} "
            f"days, the slowest ({slowest[0]}) {slowest[1]:.1f} days."
        )
    else:
        summary = "No organisation invited in the last twelve months has activated yet."
    chart = vertical(
        "cohorts-chart",
        "Median days to activation by invite month",
        summary,
        [month for month, *_ in cohorts],
        ["Median days"],
        [[days or 0 for *_, days in cohorts]],
        max_labels=6,
    )
    chart.table_id = "cohorts"
    return chart


def enablement_section(context: PageContext) -> Section:
    figures = context.figures["enablement"]
    section = Section(
        id="enablement",
        number=2,
        title="Enablement",
        intro="Certificates per learning path, modules completed, quizzes passed at the "
        "first attempt, certificates about to expire, and organisations using the kits.",
    )
    tried_now, tried_before = figures["first_attempts"]
    rate_now = percent(tried_now[0], tried_now[1])
    rate_before = percent(tried_before[0], tried_before[1])
    kit_now, kit_before = figures["kit_orgs"]
    kit_ready = context.figures["recruitment"]["kit_ready_now"]
    total_orgs = context.figures["recruitment"]["funnel"]["invited"]
    section.figures = [
        Figure(
            "certificates-issued",
            "Certificates issued",
            count_text(figures["issued"][0]),
            context.changed(*figures["issued"]),
            context.drill("certs-issued"),
        ),
        Figure(
            "completions",
            "Modules completed",
            count_text(figures["completions"][0]),
            context.changed(*figures["completions"]),
            context.drill("completions"),
        ),
        Figure(
            "first-attempt-pass-rate",
            "Quiz pass rate at the first attempt",
            percent_text(rate_now),
            context.changed(rate_now, rate_before, points=True),
            context.drill("first-attempts"),
            hint=f"{tried_now[0]:,} of {tried_now[1]:,} first attempts passed",
        ),
        Figure(
            "certified-people",
            "People certified now",
            count_text(figures["certified_people_now"]),
            "",
            context.drill("certified-now"),
        ),
        Figure(
            "expiring",
            "Certificates expiring in 30 days",
            count_text(figures["expiring"]),
            "",
            context.drill("certs-expiring"),
        ),
        Figure(
            "kit-used",
            "Organisations that used a kit",
            count_text(kit_now),
            context.changed(kit_now, kit_before),
            context.drill("kit-used"),
            hint=f"{kit_ready:,} of {total_orgs:,} organisations have used a kit so far",
        ),
    ]
    rows = figures["per_path"]
    section.tables.append(
        Table(
            id="paths",
            caption="Per learning path",
            headers=[
                "Learning path",
                "People certified now",
                "Certificates issued",
                "First attempts passed",
                "Expiring in 30 days",
            ],
            rows=[
                [
                    Cell(context.path_title(row["path"])),
                    Cell(
                        count_text(row["certified_now"]),
                        context.drill("certified-now", row["path"]),
                        row["certified_now"],
                    ),
                    Cell(
                        count_text(row["issued"][0]),
                        context.drill("certs-issued", row["path"]),
                        row["issued"][0],
                    ),
                    Cell(
                        f"{row['first_attempts_passed']:,} of {row['first_attempts']:,}",
                        context.drill("first-attempts", row["path"]),
                    ),
                    Cell(
                        count_text(row["expiring"]),
                        context.drill("certs-expiring", row["path"]),
                        row["expiring"],
                    ),
                ]
                for row in rows
            ],
            numeric=frozenset({1, 2, 3, 4}),
        )
    )
    titles = [context.path_title(row["path"]) for row in rows]
    certified = [row["certified_now"] for row in rows]
    summary = "; ".join(f"{t}: {n:,}" for t, n in zip(titles, certified, strict=True))
    chart = horizontal(
        "paths-chart",
        "People holding a valid certificate, per learning path",
        f"People certified now — {summary or 'no learning paths'}.",
        titles,
        ["People certified"],
        [certified],
    )
    chart.table_id = "paths"
    section.charts.append(chart)
    by_version = figures.get("by_version")
    if by_version is None:  # a snapshot stored before this table existed
        section.notes.append(
            "Quiz attempts by content version appear with the next refresh of the insights rollup."
        )
    section.tables.append(versions_table(by_version or [], context.content.version))
    return section


def versions_table(rows: list[dict[str, Any]], current: str) -> Table:
    """Graded quiz attempts per content version (the hash `flask content check` prints and
    /healthz reports): which edit of the content learners were graded against."""
    return Table(
        id="content-versions",
        caption="Quiz attempts by content version (graded in the period)",
        headers=[
            "Content version",
            "Graded attempts",
            "Passed",
            "Graded the period before",
        ],
        rows=[
            [
                Cell(
                    row["version"] + (" (current)" if row["version"] == current else ""),
                    raw=row["version"],
                ),
                Cell(count_text(row["graded"]), raw=row["graded"]),
                Cell(count_text(row["passed"]), raw=row["passed"]),
                Cell(count_text(row["graded_before"]), raw=row["graded_before"]),
            ]
            for row in rows
        ],
        numeric=frozenset({1, 2, 3}),
    )
