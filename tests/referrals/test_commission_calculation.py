"""Commission calculation: minor units, rates, caps, half-up rounding, plain words, hold period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from portal.content import load_content
from portal.content.model import CommissionRule, PartnerType, Program
from portal.money import format_money, from_minor, minor_units, to_minor
from portal.referrals.commission_calculation import (
    CommissionQuote,
    approvable_from,
    compute_commission,
)

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"

RULES = (
    CommissionRule("referral", "sourced", "10", 2_000_000),  # cap USD 20,000.00
    CommissionRule("referral", "influenced", "5"),
    CommissionRule("reseller", "sourced", "12.5"),
    CommissionRule("alliance", "influenced", "7.5", 1_500_000),
)


def make_program(currency: str = "USD", rules: tuple[CommissionRule, ...] = RULES) -> Program:
    """A small program built in code, so these tests need no content files."""
    return Program(
        name="Test program",
        vendor="Testwind",
        currency=currency,
        partner_types=(
            PartnerType("referral", "Referral partner"),
            PartnerType("reseller", "Reseller"),
            PartnerType("alliance", "Alliance partner"),
        ),
        tiers=(),
        first_response_hours=48,
        stale_after_days=14,
        protection_days=90,
        pipeline_stages=("submitted", "won", "lost"),
        regions=("Europe",),
        commission_rules=rules,
        commission_hold_days=60,
    )


# --- minor units ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("USD", 2), ("EUR", 2), ("GBP", 2), ("CHF", 2), ("eur", 2), ("XYZ", 2),
        ("JPY", 0), ("KRW", 0), ("ISK", 0), ("CLP", 0), ("VND", 0), ("XOF", 0),
        ("BHD", 3), ("KWD", 3), ("OMR", 3), ("JOD", 3), ("TND", 3), ("CLF", 4),
    ],
)  # fmt: skip
def test_minor_units_follow_iso_4217(currency: str, exponent: int) -> None:
    assert minor_units(currency) == exponent


@pytest.mark.parametrize("currency", ["", "US", "USDD", "U$D", "123", "ÜSD"])
def test_minor_units_refuses_malformed_codes(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        minor_units(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("120.50", "USD", 12050),
        (Decimal("120.5"), "USD", 12050),
        ("120.500", "USD", 12050),  # trailing zeros are still exact
        ("0", "USD", 0),
        (" 7 ", "EUR", 700),
        ("1500000", "JPY", 1500000),
        (Decimal("1500000.0"), "JPY", 1500000),
        ("12.345", "BHD", 12345),
        ("0.001", "KWD", 1),
        ("92233720368547758.07", "USD", 2**63 - 1),
    ],
)
def test_to_minor_is_exact(amount: Decimal | str, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("120.505", "USD", "USD amounts have 2 decimal places"),
        ("1.5", "JPY", "JPY amounts have no decimals"),
        ("1.2345", "BHD", "BHD amounts have 3 decimal places"),
        ("-1", "USD", "must not be negative"),
        (Decimal("-0.01"), "USD", "must not be negative"),
        ("NaN", "USD", "finite"),
        (Decimal("Infinity"), "USD", "finite"),
        ("12,000.00", "USD", "not a number"),
        ("ten", "USD", "not a number"),
        ("", "USD", "not a number"),
        ("92233720368547758.08", "USD", "too large"),
    ],
)
def test_to_minor_refuses_bad_amounts(amount: Decimal | str, currency: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_minor(amount, currency)


@pytest.mark.parametrize("amount", [120.5, 0.1, float("nan")])
def test_to_minor_refuses_floats(amount: float) -> None:
    with pytest.raises(TypeError, match="never float"):
        to_minor(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [
        (12050, "USD", "120.50"),
        (0, "USD", "0.00"),
        (1500000, "JPY", "1500000"),
        (12345, "BHD", "12.345"),
    ],
)
def test_from_minor_round_trips(minor: int, currency: str, amount: str) -> None:
    value = from_minor(minor, currency)
    assert isinstance(value, Decimal)
    assert str(value) == amount
    assert to_minor(value, currency) == minor


def test_from_minor_refuses_floats_bools_and_negatives() -> None:
    with pytest.raises(TypeError):
        from_minor(120.0, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_minor(True, "USD")
    with pytest.raises(ValueError, match="must not be negative"):
        from_minor(-1, "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (12_000_000, "USD", "USD 120,000.00"),
        (5, "USD", "USD 0.05"),
        (1_500_000, "JPY", "JPY 1,500,000"),
        (1_234_567, "BHD", "BHD 1,234.567"),
    ],
)
def test_format_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text


# --- compute_commission: the table -----------------------------------------------------------


@pytest.mark.parametrize(
    ("partner_type", "involvement", "deal_minor", "amount_minor", "capped"),
    [
        # 10% sourced referral, cap 20,000.00
        ("referral", "sourced", 12_000_000, 1_200_000, False),
        ("referral", "sourced", 20_000_000, 2_000_000, False),  # exactly at the cap
        ("referral", "sourced", 20_000_010, 2_000_000, True),  # one cent over → capped
        ("referral", "sourced", 50_000_000, 2_000_000, True),
        ("referral", "sourced", 0, 0, False),
        # 5% influenced referral, no cap: influenced pays less than sourced
        ("referral", "influenced", 12_000_000, 600_000, False),
        ("referral", "influenced", 10_000_000_000, 500_000_000, False),
        # 12.5% reseller sourced, no cap
        ("reseller", "sourced", 100_000, 12_500, False),
        # 7.5% alliance influenced, cap 15,000.00
        ("alliance", "influenced", 10_000_000, 750_000, False),
        ("alliance", "influenced", 30_000_000, 1_500_000, True),
    ],
)
def test_commission_table(
    partner_type: str, involvement: str, deal_minor: int, amount_minor: int, capped: bool
) -> None:
    quote = compute_commission(make_program(), partner_type, involvement, deal_minor, "USD")
    assert isinstance(quote, CommissionQuote)
    assert quote.amount_minor == amount_minor
    assert isinstance(quote.amount_minor, int)
    assert quote.capped is capped
    assert quote.currency == "USD"
    assert quote.rule.partner_type == partner_type
    assert quote.rule.involvement == involvement
    assert quote.rate_percent == Decimal(quote.rule.rate_percent)
    assert isinstance(quote.rate_percent, Decimal)


@pytest.mark.parametrize(
    ("rate", "deal_minor", "amount_minor"),
    [
        ("5", 10, 1),  # 0.5 of a cent rounds up
        ("5", 30, 2),  # 1.5 → 2
        ("5", 50, 3),  # 2.5 → 3 (half-up, not banker's rounding to 2)
        ("5", 9, 0),  # 0.45 → 0
        ("5", 29, 1),  # 1.45 → 1
        ("5", 31, 2),  # 1.55 → 2
        ("12.5", 4, 1),  # 0.5 → 1
        ("12.5", 3, 0),  # 0.375 → 0
        ("7.5", 1_000_001, 75_000),  # 75,000.075 → 75,000
        ("33.33", 150, 50),  # 49.995 → 50
        ("0", 10_000_000, 0),
        ("100", 12_345, 12_345),
    ],
)
def test_rounding_is_half_up_to_the_minor_unit(
    rate: str, deal_minor: int, amount_minor: int
) -> None:
    program = make_program(rules=(CommissionRule("referral", "sourced", rate),))
    quote = compute_commission(program, "referral", "sourced", deal_minor, "USD")
    assert quote is not None
    assert quote.amount_minor == amount_minor


def test_jpy_has_no_decimals() -> None:
    program = make_program("JPY", (CommissionRule("referral", "sourced", "7.5", 100_000),))
    # 7.5% of JPY 1,234,567 = 92,592.525 → 92,593 yen (rounded to whole yen, half-up)
    quote = compute_commission(program, "referral", "sourced", to_minor("1234567", "JPY"), "JPY")
    assert quote is not None
    assert (quote.amount_minor, quote.capped) == (92_593, False)
    assert from_minor(quote.amount_minor, "JPY") == Decimal("92593")
    capped = compute_commission(program, "referral", "sourced", 2_000_000, "jpy")
    assert capped is not None
    assert (capped.amount_minor, capped.capped) == (100_000, True)
    assert capped.explanation == (
        "7.5% of JPY 2,000,000 for a sourced referral by a referral partner, capped at JPY 100,000"
    )


def test_bhd_has_three_decimals() -> None:
    program = make_program("BHD", (CommissionRule("reseller", "sourced", "12.5"),))
    # 12.5% of BHD 10.004 = 1.2505 → 1.251 (half-up at the fils)
    quote = compute_commission(program, "reseller", "sourced", to_minor("10.004", "BHD"), "BHD")
    assert quote is not None
    assert quote.amount_minor == 1_251
    assert from_minor(quote.amount_minor, "BHD") == Decimal("1.251")
    assert quote.explanation == "12.5% of BHD 10.004 for a sourced referral by a reseller"


@pytest.mark.parametrize(
    ("partner_type", "involvement"),
    [
        ("distributor", "sourced"),  # unknown partner type
        ("reseller", "influenced"),  # known type, no rule for this involvement
        ("referral", "co-sold"),  # unknown involvement
        ("", ""),
        ("Referral", "Sourced"),  # ids are exact
    ],
)
def test_no_matching_rule_gives_none(partner_type: str, involvement: str) -> None:
    assert compute_commission(make_program(), partner_type, involvement, 1_000_000, "USD") is None


def test_no_rules_at_all_gives_none() -> None:
    program = make_program(rules=())
    assert compute_commission(program, "referral", "sourced", 1_000_000, "USD") is None


@pytest.mark.parametrize("deal", [120000.0, Decimal("120000"), "12000000", True, None])
def test_compute_refuses_non_integer_deal_values(deal: object) -> None:
    with pytest.raises(TypeError, match="int of minor units"):
        compute_commission(make_program(), "referral", "sourced", deal, "USD")  # type: ignore[arg-type]


def test_compute_refuses_negative_deal_values() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        compute_commission(make_program(), "referral", "sourced", -1, "USD")


def test_compute_refuses_another_currency_than_the_programs() -> None:
    with pytest.raises(ValueError, match="commission rules are in USD"):
        compute_commission(make_program(), "referral", "sourced", 1_000_000, "EUR")


# --- plain words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partner_type", "involvement", "deal_minor", "explanation"),
    [
        (
            "referral", "sourced", 12_000_000,
            "10% of USD 120,000.00 for a sourced referral by a referral partner, "
            "up to a cap of USD 20,000.00",
        ),
        (
            "referral", "sourced", 30_000_000,
            "10% of USD 300,000.00 for a sourced referral by a referral partner, "
            "capped at USD 20,000.00",
        ),
        (
            "referral", "influenced", 12_000_000,
            "5% of USD 120,000.00 for an influenced referral by a referral partner",
        ),
        (
            "reseller", "sourced", 100_000,
            "12.5% of USD 1,000.00 for a sourced referral by a reseller",
        ),
        (
            "alliance", "influenced", 30_000_000,
            "7.5% of USD 300,000.00 for an influenced referral by an alliance partner, "
            "capped at USD 15,000.00",
        ),
    ],
)  # fmt: skip
def test_explanation_in_plain_words(
    partner_type: str, involvement: str, deal_minor: int, explanation: str
) -> None:
    quote = compute_commission(make_program(), partner_type, involvement, deal_minor, "USD")
    assert quote is not None
    assert quote.explanation == explanation


def test_explanation_falls_back_to_the_type_id_and_keeps_acronyms() -> None:
    program = make_program(rules=(CommissionRule("isv", "sourced", "10"),))
    quote = compute_commission(program, "isv", "sourced", 100, "USD")
    assert quote is not None
    assert quote.explanation.endswith("by an isv")
    named = replace(program, partner_types=(PartnerType("isv", "ISV partner"),))
    quote = compute_commission(named, "isv", "sourced", 100, "USD")
    assert quote is not None
    assert quote.explanation.endswith("by an ISV partner")


def test_rates_from_the_loaded_program_file() -> None:
    """The loader's cap (whole units in program.yml) arrives as minor units."""
    program = load_content(FIXTURE_CONTENT).program
    quote = compute_commission(program, "referral", "sourced", to_minor("300000", "USD"), "USD")
    assert quote is not None
    assert quote.amount_minor == to_minor("20000", "USD")
    assert quote.explanation == (
        "10% of USD 300,000.00 for a sourced referral by a referral partner, "
        "capped at USD 20,000.00"
    )


# --- hold period -------------------------------------------------------------------------------


def test_approvable_after_the_hold_period_in_utc() -> None:
    won_at = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
    assert approvable_from(won_at, make_program()) == datetime(2026, 12, 19, 15, 0, tzinfo=UTC)


def test_approvable_from_converts_other_offsets_to_utc() -> None:
    won_at = datetime(2026, 10, 20, 17, 0, tzinfo=timezone(timedelta(hours=2)))
    result = approvable_from(won_at, make_program())
    assert result.tzinfo is UTC
    assert result == datetime(2026, 12, 19, 15, 0, tzinfo=UTC)
    assert result - won_at == timedelta(days=60)


def test_approvable_from_with_no_hold() -> None:
    won_at = datetime(2026, 1, 1, tzinfo=UTC)
    assert approvable_from(won_at, replace(make_program(), commission_hold_days=0)) == won_at


def test_approvable_from_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        approvable_from(datetime(2026, 10, 20, 15, 0), make_program())
