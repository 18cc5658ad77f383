"""Section 9 of /insights: market development funds spent against the referrals they brought."""

from __future__ import annotations

from flask import url_for

from portal.insights.page_context import PageContext
from portal.insights.view_model import Cell, Figure, Section, Table, count_text, money_text


def _return_text(won_value: int, spent: int) -> str:
    """Won value per unit spent: "12.4x"; a dash before anything was spent."""
    return "—" if not spent else f"{won_value / spent:.1f}x"


def mdf_section(context: PageContext) -> Section:
    currency = context.currency
    section = Section(
        id="mdf",
        number=9,
        title="Market development funds",
        intro=f"MDF paid on claims in the period, the referrals those claims link, and the "
        f"value won from them: the return on the funds ({currency}).",
    )
    figures = context.figures.get("mdf")
    if figures is None:  # a snapshot stored before MDF figures existed
        section.notes.append("MDF figures appear with the next refresh of the insights rollup.")
        return section
    spent, won_value = figures["spent"], figures["won_value"]
    claims = figures["requests"][0]
    # The paid requests in the MDF queue (each lists its claim's referrals). That list is not
    # cut to this page's period and filters: the figures' hint says so.
    paid_list = url_for("staff_mdf.index", status="paid")
    section.notes.append(
        "The figures follow this page's period and filters; their links open every paid MDF "
        "request, whatever its period."
    )
    section.figures += [
        Figure(
            "mdf-spent",
            "MDF spent",
            money_text(spent[0], currency),
            context.changed(spent[0], spent[1], currency=currency),
            paid_list,
            hint=f"{claims:,} paid claim{'s' if claims != 1 else ''}",
        ),
        Figure(
            "mdf-referrals",
            "Referrals from MDF activities",
            count_text(figures["referrals"][0]),
            context.changed(figures["referrals"][0], figures["referrals"][1]),
            paid_list,
            hint=f"{figures['won'][0]:,} won",
        ),
        Figure(
            "mdf-won-value",
            "Won value from MDF activities",
            money_text(won_value[0], currency),
            context.changed(won_value[0], won_value[1], currency=currency),
            paid_list,
        ),
        Figure(
            "mdf-return",
            "Won value per unit of MDF spent",
            _return_text(won_value[0], spent[0]),
            href=paid_list,
            hint="won value ÷ MDF spent",
        ),
    ]
    rows = [
        ("This period", 0),
        ("The period before", 1),
    ]
    section.tables.append(
        Table(
            id="mdf-return",
            caption="MDF spent against referrals and won value",
            headers=[
                "Period",
                f"MDF spent ({currency})",
                "Referrals",
                "Won",
                f"Won value ({currency})",
                "Return",
            ],
            rows=[
                [
                    Cell(label),
                    Cell(money_text(spent[i], currency), raw=spent[i]),
                    Cell(count_text(figures["referrals"][i]), raw=figures["referrals"][i]),
                    Cell(count_text(figures["won"][i]), raw=figures["won"][i]),
                    Cell(money_text(won_value[i], currency), raw=won_value[i]),
                    Cell(_return_text(won_value[i], spent[i])),
                ]
                for label, i in rows
            ],
            numeric=frozenset({1, 2, 3, 4, 5}),
        )
    )
    return section
