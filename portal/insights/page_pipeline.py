"""Sections 3 and 4 of /insights: the joint pipeline, and conversion beside direct sales."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from portal.insights.charts import horizontal, vertical
from portal.insights.page_context import PageContext
from portal.insights.periods import Window
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
from portal.referrals.events import stage_name

__all__ = ["conversion_section", "pipeline_section", "time_buckets"]


def time_buckets(window: Window, daily: list[list], kinds: list[str]) -> tuple[list[str], dict]:
    """Per-day counts [day, kind, n] as weeks (periods up to a quarter) or months.

    Returns the bucket labels and {kind: [count per bucket]}.
    """
    first, last = window.start.date(), (window.end - timedelta(microseconds=1)).date()
    if window.days > 100:
        starts: list[date] = []
        cursor = first.replace(day=1)
        while cursor <= last:
            starts.append(cursor)
            cursor = (cursor + timedelta(days=32)).replace(day=1)
        labels = [d.strftime("%b %Y") for d in starts]
    else:
        monday = first - timedelta(days=first.weekday())
        starts = [monday + timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
        labels = [d.strftime("%d %b") for d in starts]
    values = {kind: [0] * len(starts) for kind in kinds}
    for day_text, kind, count in daily:
        if kind not in values:
            continue
        day = date.fromisoformat(day_text)
        index = max(i for i, start in enumerate(starts) if start <= day) if day >= starts[0] else 0
        values[kind][index] += count
    return labels, values


def _pair_figure(
    context: PageContext,
    figure_id: str,
    label: str,
    pair: list[int],
    drill: str,
    hint: str = "",
    key: str | None = None,
) -> Figure:
    return Figure(
        figure_id,
        label,
        count_text(pair[0]),
        context.changed(pair[0], pair[1]),
        context.drill(drill, key),
        hint,
    )


def pipeline_section(context: PageContext) -> Section:
    figures = context.figures["pipeline"]
    currency = context.currency
    section = Section(
        id="pipeline",
        number=3,
        title="Joint pipeline",
        intro="Referrals partners submitted and the partner team accepted in the period, what "
        "is open now by stage, and how many the partner sourced or only influenced.",
    )
    sourced, influenced = figures["sourced"], figures["influenced"]
    section.figures = [
        _pair_figure(
            context,
            "submitted",
            "Referrals submitted",
            figures["submitted"],
            "submitted",
            f"{money_text(figures['submitted_value'][0], currency)} estimated",
        ),
        _pair_figure(context, "accepted", "Accepted", figures["accepted"], "accepted"),
        _pair_figure(
            context,
            "sourced",
            "Partner-sourced",
            sourced,
            "submitted",
            f"{percent_text(percent(sourced[0], sourced[0] + influenced[0]))} of submitted",
            key="sourced",
        ),
        _pair_figure(
            context, "influenced", "Partner-influenced", influenced, "submitted", key="influenced"
        ),
        _pair_figure(
            context,
            "won",
            "Won",
            figures["won"],
            "won",
            f"{money_text(figures['won_value'][0], currency)} won",
        ),
    ]
    labels, values = time_buckets(
        context.query.period.current, figures["daily"], ["submitted", "won"]
    )
    step = "month" if context.query.period.current.days > 100 else "week"
    section.tables.append(
        Table(
            id="pipeline-over-time",
            caption=f"Referrals submitted and won per {step}",
            headers=[step.capitalize() + " from", "Submitted", "Won"],
            rows=[
                [Cell(label), Cell(count_text(s), raw=s), Cell(count_text(w), raw=w)]
                for label, s, w in zip(labels, values["submitted"], values["won"], strict=True)
            ],
            numeric=frozenset({1, 2}),
        )
    )
    busiest = max(range(len(labels)), key=lambda i: values["submitted"][i]) if labels else None
    summary = (
        f"{sum(values['submitted']):,} submitted and {sum(values['won']):,} won over "
        f"{len(labels)} {step}s"
        + (f"; the busiest {step} began {labels[busiest]}." if busiest is not None else ".")
    )
    chart = vertical(
        "pipeline-chart",
        f"Referrals submitted and won per {step}",
        summary,
        labels,
        ["Submitted", "Won"],
        [values["submitted"], values["won"]],
    )
    chart.table_id = "pipeline-over-time"
    section.charts.append(chart)
    section.tables.append(_open_table(context, figures["open_by_stage"]))
    stages = figures["open_by_stage"]
    open_chart = horizontal(
        "open-chart",
        f"Open pipeline value by stage ({currency})",
        "Open referrals now — "
        + "; ".join(f"{stage_name(s)}: {n:,} worth {money_text(v, currency)}" for s, n, v in stages)
        + ".",
        [stage_name(s) for s, _n, _v in stages],
        ["Open value"],
        [[v or 0 for _s, _n, v in stages]],
        labels=[[money_text(v, currency) for _s, _n, v in stages]],
    )
    open_chart.table_id = "open-by-stage"
    section.charts.append(open_chart)
    return section


def _open_table(context: PageContext, stages: list[list]) -> Table:
    def href(stage: str) -> str:
        if context.exact_in_inbox():
            return context.inbox(status=stage)
        return context.drill("open", stage)

    return Table(
        id="open-by-stage",
        caption="Open referrals now, by stage",
        headers=["Stage", "Referrals", f"Value ({context.currency})"],
        rows=[
            [
                Cell(stage_name(stage)),
                Cell(count_text(n), href(stage), n),
                Cell(money_text(value, context.currency), raw=value),
            ]
            for stage, n, value in stages
        ],
        numeric=frozenset({1, 2}),
    )


def conversion_section(context: PageContext) -> Section:
    figures = context.figures["conversion"]
    current, previous = figures["current"], figures["previous"]
    baseline = context.content.program.benchmarks.direct_sales
    section = Section(
        id="conversion",
        number=4,
        title="Conversion",
        intro="Referrals closed in the period (won, lost or rejected): how many that reached "
        "each stage reached the next, beside the direct sales team's own funnel.",
    )
    won, lost = current["won"], current["lost"]
    rate = percent(won, won + lost)
    rate_before = percent(previous["won"], previous["won"] + previous["lost"])
    days, days_before = current["median_days_to_close"], previous["median_days_to_close"]
    direct_rate = (
        f"direct sales {baseline.win_rate:.0f} %" if baseline and baseline.win_rate else ""
    )
    direct_days = (
        f"direct sales {baseline.median_days_to_close} days"
        if baseline and baseline.median_days_to_close
        else ""
    )
    section.figures = [
        Figure(
            "win-rate",
            "Win rate",
            percent_text(rate),
            context.changed(rate, rate_before, points=True),
            context.drill("closed"),
            hint=f"{won:,} won, {lost:,} lost; {direct_rate}".strip("; "),
        ),
        Figure(
            "days-to-close",
            "Median days to close (won)",
            "—" if days is None else f"{days:.0f}",
            context.changed(days, days_before, unit=" days"),
            context.drill("won"),
            hint=direct_days,
        ),
    ]
    reached = current["reached"]
    rows, partner_rates, direct_rates, names = [], [], [], []
    for (stage, count), (next_stage, next_count) in pairwise(reached):
        partner = percent(next_count, count)
        direct = baseline.conversion(stage) if baseline else None
        names.append(f"{stage_name(stage)} → {stage_name(next_stage)}")
        partner_rates.append(partner)
        direct_rates.append(direct)
        gap = "" if partner is None or direct is None else f"{partner - direct:+.0f} points"
        rows.append(
            [
                Cell(names[-1]),
                Cell(f"{next_count:,} of {count:,}", context.drill("closed", stage)),
                Cell(percent_text(partner), raw="" if partner is None else round(partner, 1)),
                Cell(percent_text(direct), raw="" if direct is None else direct),
                Cell(gap or "—"),
            ]
        )
    section.tables.append(
        Table(
            id="stage-conversion",
            caption="Stage-to-stage conversion: partner referrals and direct sales",
            headers=["Stage", "Referrals", "Partner conversion", "Direct sales", "Difference"],
            rows=rows,
            numeric=frozenset({1, 2, 3, 4}),
        )
    )
    if baseline is None:
        section.notes.append(
            "No direct-sales baseline yet: add benchmarks.direct_sales to program.yml."
        )
    summary = "; ".join(
        f"{name}: partners {percent_text(p)}, direct {percent_text(d)}"
        for name, p, d in zip(names, partner_rates, direct_rates, strict=True)
    )
    chart = horizontal(
        "conversion-chart",
        "Stage-to-stage conversion, partner referrals beside direct sales (percent)",
        f"{summary or 'No referrals closed in this period'}.",
        names,
        ["Partner referrals", "Direct sales"],
        [partner_rates, direct_rates],
        labels=[[percent_text(v) for v in partner_rates], [percent_text(v) for v in direct_rates]],
    )
    chart.table_id = "stage-conversion"
    section.charts.append(chart)
    return section
