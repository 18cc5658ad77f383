"""How much a won deal earns: commission rules as plain functions, no Flask, no database.

Money is integer minor units and Decimal, never floats. The program's rules (`program.yml` →
`Program.commission_rules`) give a rate per partner type and involvement (`sourced` /
`influenced`) and an optional cap in minor units of the program currency. A won deal's value
times the rate, rounded half-up to the currency's minor unit and held under the cap, is the
commission. Recording it and moving it through its states is commission_lifecycle.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from portal.content.model import CommissionRule, Program
from portal.money import DECIMAL_PRECISION, currency_code, format_money


@dataclass(frozen=True)
class CommissionQuote:
    """A computed commission and the rule that produced it, explained in plain words."""

    amount_minor: int
    currency: str
    rate_percent: Decimal
    capped: bool
    rule: CommissionRule
    explanation: str


def find_rule(program: Program, partner_type: str, involvement: str) -> CommissionRule | None:
    """The program's rule for this partner type and involvement, or None."""
    return next(
        (
            r
            for r in program.commission_rules
            if r.partner_type == partner_type and r.involvement == involvement
        ),
        None,
    )


def compute_commission(
    program: Program,
    partner_type: str,
    involvement: str,
    deal_value_minor: int,
    currency: str,
) -> CommissionQuote | None:
    """The commission on a won deal, or None when no rule covers this partner and involvement.

    The deal value must be in the program currency (caps are in it and we keep no exchange
    rates): another currency is a ValueError. The rate's result is rounded half-up to the
    currency's minor unit, then held under the rule's cap.
    """
    if isinstance(deal_value_minor, bool) or not isinstance(deal_value_minor, int):
        raise TypeError(
            f"deal value must be an int of minor units, not {type(deal_value_minor).__name__}"
        )
    if deal_value_minor < 0:
        raise ValueError(f"deal value must not be negative, got {deal_value_minor}")
    code = currency_code(currency)
    program_code = currency_code(program.currency)
    if code != program_code:
        raise ValueError(
            f"commission rules are in {program_code}; record the deal value in {program_code}, "
            f"not {code}"
        )
    rule = find_rule(program, partner_type, involvement)
    if rule is None:
        return None
    rate = Decimal(rule.rate_percent)
    with localcontext(prec=DECIMAL_PRECISION):
        raw = Decimal(deal_value_minor) * rate / 100
        amount = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    capped = False
    if rule.cap_minor is not None and amount > rule.cap_minor:
        amount, capped = rule.cap_minor, True
    return CommissionQuote(
        amount_minor=amount,
        currency=code,
        rate_percent=rate,
        capped=capped,
        rule=rule,
        explanation=explain_rule(program, rule, deal_value_minor, capped),
    )


def explain_rule(
    program: Program, rule: CommissionRule, deal_value_minor: int, capped: bool = False
) -> str:
    """The rule applied to a deal, in plain words.

    E.g. "10% of USD 120,000.00 for a sourced referral by a referral partner, capped at
    USD 20,000.00".
    """
    currency = program.currency
    rate = f"{Decimal(rule.rate_percent).normalize():f}"
    referral = f"{rule.involvement} referral"
    text = (
        f"{rate}% of {format_money(deal_value_minor, currency)} for {_article(referral)} "
        f"{referral} by {_partner_words(program, rule.partner_type)}"
    )
    if rule.cap_minor is not None:
        cap = format_money(rule.cap_minor, currency)
        text += f", capped at {cap}" if capped else f", up to a cap of {cap}"
    return text


def approvable_from(won_at: datetime, program: Program) -> datetime:
    """When a commission on a deal won at `won_at` may be approved (after the hold), in UTC."""
    if not isinstance(won_at, datetime):
        raise TypeError(f"won_at must be a datetime, not {type(won_at).__name__}")
    if won_at.tzinfo is None or won_at.utcoffset() is None:
        raise ValueError("won_at is a naive datetime; pass an aware UTC time (utcnow())")
    return won_at.astimezone(UTC) + timedelta(days=program.commission_hold_days)


def _partner_words(program: Program, type_id: str) -> str:
    """'a referral partner', 'a strategic alliance': the type's name inside a sentence."""
    name = program.partner_type_name(type_id)
    # Lower-case a leading capital ("Referral partner") but keep acronyms ("ISV partner").
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return f"{_article(name)} {name}"


def _article(words: str) -> str:
    first = words[:1].lower()
    return "an" if first and first in "aeiou" else "a"
