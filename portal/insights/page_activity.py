"""Sections 5, 7 and 8 of /insights: engagement, commissions, attention (section 6,
responsiveness, is in page_responsiveness.py)."""

from __future__ import annotations

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
)
from portal.staff.models import MEETING_KIND_NAMES

__all__ = [
    "attention_section",
    "commissions_section",
    "engagement_section",
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
