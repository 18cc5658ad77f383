"""Sections 5 to 8 of /insights: engagement, responsiveness, commissions, attention."""

from __future__ import annotations

from flask import url_for

from portal.insights.charts import horizontal, vertical
from portal.insights.flags import FLAGS
from portal.insights.page_context import PageContext
from portal.insights.page_pipeline import time_buckets
from portal.insights.view_model import (
    Cell,
    Figure,
    Section,
    Table,
    count_text,
    money_text,
    percent,
    percent_text,
)
from portal.staff.models import MEETING_KIND_NAMES

__all__ = [
    "attention_section",
    "commissions_section",
    "engagement_section",
    "responsiveness_section",
]

EVENT_NAMES = {
    "login": "Sign-ins",
    "content_view": "Content views",
    "kit_download": "Kit downloads",
    "template_copy": "Templates copied",
    "template_download": "Templates downloaded",
}
# The activity chart's three series: what a partner did, in three kinds.
ACTIVITY_SERIES = {
    "Sign-ins": ("login",),
    "Content views": ("content_view",),
    "Kit and template use": ("kit_download", "template_copy", "template_download"),
}
COMMISSION_FLOWS = {
    "earned": "Earned",
    "approved": "Approved",
    "paid": "Paid",
    "disputed": "Disputed",
}


def _changed(context: PageContext, pair: list, **options: object) -> str:
    return context.changed(pair[0], pair[1], **options)


def engagement_section(context: PageContext) -> Section:
    figures = context.figures["engagement"]
    events = figures["events"]
    meetings = figures["meetings"]
    section = Section(
        id="engagement",
        number=5,
        title="Engagement",
        intro="Partner people active in the period, what they did in the portal, and the "
        "meetings the partner team held with them.",
    )
    template_uses = [
        events["template_copy"][0] + events["template_download"][0],
        events["template_copy"][1] + events["template_download"][1],
    ]
    meeting_total = [
        sum(pair[0] for pair in meetings.values()),
        sum(pair[1] for pair in meetings.values()),
    ]
    section.figures = [
        Figure(
            "active-users",
            "Active partner people",
            count_text(figures["active_users"][0]),
            _changed(context, figures["active_users"]),
            context.drill("active-users"),
        ),
        Figure(
            "logins",
            "Sign-ins",
            count_text(events["login"][0]),
            _changed(context, events["login"]),
            context.drill("events", "login"),
        ),
        Figure(
            "content-views",
            "Content views",
            count_text(events["content_view"][0]),
            _changed(context, events["content_view"]),
            context.drill("events", "content_view"),
            hint="Modules, playbooks and program pages; once per person, document and day",
        ),
        Figure(
            "kit-downloads",
            "Kit downloads",
            count_text(events["kit_download"][0]),
            _changed(context, events["kit_download"]),
            context.drill("events", "kit_download"),
        ),
        Figure(
            "template-uses",
            "Template uses",
            count_text(template_uses[0]),
            _changed(context, template_uses),
            context.drill("events", "template"),
        ),
        Figure(
            "meetings",
            "Meetings held",
            count_text(meeting_total[0]),
            _changed(context, meeting_total),
            context.drill("meetings"),
        ),
    ]
    section.tables.append(
        Table(
            id="meetings",
            caption="Meetings by kind",
            headers=["Kind", "In the period", "Period before"],
            rows=[
                [
                    Cell(name),
                    Cell(
                        count_text(meetings[kind][0]),
                        context.drill("meetings", kind),
                        meetings[kind][0],
                    ),
                    Cell(count_text(meetings[kind][1]), raw=meetings[kind][1]),
                ]
                for kind, name in MEETING_KIND_NAMES.items()
            ],
            numeric=frozenset({1, 2}),
        )
    )
    labels, per_kind = time_buckets(
        context.query.period.current, figures["daily"], list(EVENT_NAMES)
    )
    series = {
        name: [sum(per_kind[kind][i] for kind in kinds) for i in range(len(labels))]
        for name, kinds in ACTIVITY_SERIES.items()
    }
    step = "month" if context.query.period.current.days > 100 else "week"
    section.tables.append(
        Table(
            id="activity-over-time",
            caption=f"Partner activity per {step}",
            headers=[f"{step.capitalize()} from", *series],
            rows=[
                [
                    Cell(label),
                    *(Cell(count_text(values[i]), raw=values[i]) for values in series.values()),
                ]
                for i, label in enumerate(labels)
            ],
            numeric=frozenset({1, 2, 3}),
        )
    )
    summary = "; ".join(f"{name}: {sum(values):,}" for name, values in series.items())
    chart = vertical(
        "activity-chart",
        f"Partner activity per {step}",
        f"Over {len(labels)} {step}s — {summary}.",
        labels,
        list(series),
        list(series.values()),
    )
    chart.table_id = "activity-over-time"
    section.charts.append(chart)
    return section


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
    sla_hours = context.content.program.first_response_hours
    section = Section(
        id="responsiveness",
        number=6,
        title="Responsiveness",
        intro=f"How fast the partner team answers: the first response is due within "
        f"{sla_hours} hours of a submission; a referral is stale after "
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
            hint=f"SLA: {sla_hours} h",
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
        + f" (the SLA is {sla_hours} h)."
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


def commissions_section(context: PageContext) -> Section:
    figures = context.figures["commissions"]
    currency = context.currency
    section = Section(
        id="commissions",
        number=7,
        title="Commissions",
        intro=f"Commissions earned on won referrals, approved, paid and disputed in the "
        f"period, and where every commission stands now ({currency}).",
    )
    for flow, name in COMMISSION_FLOWS.items():
        counts, amounts = figures["flows"][flow]["count"], figures["flows"][flow]["amount"]
        section.figures.append(
            Figure(
                f"commissions-{flow}",
                name,
                money_text(amounts[0], currency),
                _changed(context, amounts, currency=currency),
                context.drill("commissions", flow),
                hint=f"{counts[0]:,} commission{'s' if counts[0] != 1 else ''}",
            )
        )
    status = figures["status_now"]
    section.tables.append(
        Table(
            id="commissions-now",
            caption="Every commission by status now",
            headers=["Status", "Commissions", f"Amount ({currency})"],
            rows=[
                [
                    Cell(name.capitalize()),
                    Cell(count_text(n), context.drill("commissions-now", name), n),
                    Cell(money_text(amount, currency), raw=amount),
                ]
                for name, n, amount in status
            ],
            numeric=frozenset({1, 2}),
        )
    )
    chart = horizontal(
        "commissions-chart",
        f"Commissions by status now ({currency})",
        "; ".join(
            f"{name.capitalize()}: {money_text(amount, currency)} ({n:,})"
            for name, n, amount in status
        )
        + ".",
        [name.capitalize() for name, _n, _a in status],
        ["Amount"],
        [[amount for _name, _n, amount in status]],
        labels=[[money_text(amount, currency) for _name, _n, amount in status]],
    )
    chart.table_id = "commissions-now"
    section.charts.append(chart)
    return section


def attention_section(context: PageContext) -> Section:
    counts = context.figures["attention"]
    section = Section(
        id="attention",
        number=8,
        title="Partners needing attention",
        intro="Organisations carrying a flag now; each number opens the organisation list "
        "filtered to it.",
    )
    section.figures = [
        Figure(
            f"attention-{flag}", name, count_text(counts.get(flag, 0)), "", context.orgs(flag=flag)
        )
        for flag, name in FLAGS.items()
    ]
    section.tables.append(
        Table(
            id="attention-flags",
            caption="Organisations per flag now",
            headers=["Flag", "Organisations"],
            rows=[
                [
                    Cell(name),
                    Cell(
                        count_text(counts.get(flag, 0)),
                        context.orgs(flag=flag),
                        counts.get(flag, 0),
                    ),
                ]
                for flag, name in FLAGS.items()
            ],
            numeric=frozenset({1}),
        )
    )
    return section
