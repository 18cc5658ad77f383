"""Section 6 of /insights: how fast the partner team answers partners, on referrals (first
response, SLA, stale referrals per owner) and on their questions."""

from __future__ import annotations

from flask import url_for

from portal.insights.charts import horizontal
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

__all__ = ["responsiveness_section"]


def _changed(context: PageContext, pair: list, **options: object) -> str:
    return context.changed(pair[0], pair[1], **options)


def _stale_href(context: PageContext, owner: int | None = None) -> str:
    if context.exact_in_inbox():
        owner_arg = None if owner is None else ("none" if owner == 0 else str(owner))
        return context.inbox(sla="stale", owner=owner_arg)
    return context.drill("stale", None if owner is None else str(owner))


def _question_figures(context: PageContext) -> list[Figure]:
    """Partner questions beside the referrals: SLA met, median first response, overdue now
    (absent from snapshots stored before questions existed: then nothing is shown)."""
    questions = context.figures.get("questions")
    if questions is None:
        return []
    met, due = questions["attainment"][0]
    attained = percent(met, due)
    hours = questions["median_hours"]
    queue = url_for("staff_questions.queue")
    return [
        Figure(
            "question-sla-attainment",
            "Question first-response SLA met",
            percent_text(attained),
            _changed(context, [attained, percent(*questions["attainment"][1])], points=True),
            queue,
            hint=f"{met:,} of {due:,} first responses to questions due",
        ),
        Figure(
            "question-median-first-response",
            "Median first response to a question",
            "—" if hours[0] is None else f"{hours[0]:.1f} h",
            _changed(context, hours, unit=" h"),
            queue,
            hint="SLA per topic (program.yml governance)",
        ),
        Figure(
            "question-overdue",
            "Questions past their first-response time now",
            count_text(questions["overdue_now"]),
            "",
            url_for("staff_questions.queue", status="new"),
        ),
    ]


def responsiveness_section(context: PageContext) -> Section:
    figures = context.figures["responsiveness"]
    program = context.content.program
    sla_words = program.sla_hours_text(program.first_response_hours)
    section = Section(
        id="responsiveness",
        number=6,
        title="Responsiveness",
        intro=f"How fast the partner team answers: the first response is due within "
        f"{sla_words} of a submission; a referral is stale after "
        f"{context.content.program.stale_after_days} days without an update to the partner.",
    )
    met, due = figures["attainment"][0]
    met_before, due_before = figures["attainment"][1]
    attained = percent(met, due)
    hours = figures["median_hours"]
    section.figures = [
        Figure(
            "sla-attainment",
            "First-response SLA met",
            percent_text(attained),
            _changed(context, [attained, percent(met_before, due_before)], points=True),
            context.drill("sla-due"),
            hint=f"{met:,} of {due:,} first responses due",
        ),
        Figure(
            "median-first-response",
            "Median first response",
            "—" if hours[0] is None else f"{hours[0]:.1f} h",
            _changed(context, hours, unit=" h"),
            context.drill("answered"),
            # The median is elapsed time (one SQL percentile over stored instants); the SLA
            # may count business hours, so the hint says which.
            hint=f"SLA: {sla_words}"
            + ("; the median counts every hour" if program.business_hours is not None else ""),
        ),
        Figure(
            "stale",
            "Stale referrals now",
            count_text(figures["stale_now"]),
            "",
            _stale_href(context),
        ),
        Figure(
            "overdue",
            "First response overdue now",
            count_text(figures["overdue_now"]),
            "",
            context.drill("overdue-now"),
        ),
        *_question_figures(context),
    ]
    owners = figures["owners"]
    section.tables.append(
        Table(
            id="owners",
            caption="Per owner (the partner-team member a referral is assigned to)",
            headers=[
                "Owner",
                "First-response SLA met",
                "Median first response (h)",
                "Stale now",
                "First response overdue now",
            ],
            rows=[
                [
                    Cell(row["name"]),
                    Cell(
                        f"{percent_text(percent(*row['attainment']))} "
                        f"({row['attainment'][0]:,} of {row['attainment'][1]:,})",
                        context.drill("sla-due", str(row["owner"])),
                    ),
                    Cell(
                        "—" if row["median_hours"] is None else f"{row['median_hours']:.1f}",
                        raw="" if row["median_hours"] is None else row["median_hours"],
                    ),
                    Cell(
                        count_text(row["stale_now"]),
                        _stale_href(context, row["owner"]),
                        row["stale_now"],
                    ),
                    Cell(
                        count_text(row["overdue_now"]),
                        context.drill("overdue-now", str(row["owner"])),
                        row["overdue_now"],
                    ),
                ]
                for row in owners
            ],
            numeric=frozenset({1, 2, 3, 4}),
        )
    )
    timed = [row for row in owners if row["median_hours"] is not None]
    chart = horizontal(
        "owners-chart",
        "Median first-response hours per owner",
        "; ".join(f"{row['name']}: {row['median_hours']:.1f} h" for row in timed)
        + f" (the SLA is {sla_words})."
        if timed
        else "No first responses in this period.",
        [row["name"] for row in timed],
        ["Median hours"],
        [[row["median_hours"] for row in timed]],
        labels=[[f"{row['median_hours']:.1f} h" for row in timed]],
    )
    chart.table_id = "owners"
    section.charts.append(chart)
    return section
