"""Money as integers of a currency's minor units, with Decimal and never floats.

Pure functions shared by the content engine (commission caps in program.yml) and the
referrals feature (deal values, commissions).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext

# ISO 4217 currencies whose minor unit is not the usual 1/100.
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
            "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}  # fmt: skip
DEFAULT_EXPONENT = 2
# Amounts are stored in signed 64-bit integer columns.
MAX_MINOR = 2**63 - 1
# Enough digits that no computation here ever rounds before we say so.
DECIMAL_PRECISION = 60


def currency_code(currency: str) -> str:
    """The ISO 4217 code in upper case; TypeError or ValueError for anything else."""
    if not isinstance(currency, str):
        raise TypeError(f"currency must be an ISO 4217 code as text, not {type(currency).__name__}")
    code = currency.strip().upper()
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise ValueError(f"currency must be an ISO 4217 code such as USD, not {currency!r}")
    return code


def minor_units(currency: str) -> int:
    """How many decimal places the currency's minor unit has (ISO 4217: USD 2, JPY 0, BHD 3)."""
    return _EXPONENTS.get(currency_code(currency), DEFAULT_EXPONENT)


def _as_decimal(amount: Decimal | str | int) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("amounts must be Decimal or text, never float (floats lose cents)")
    if isinstance(amount, bool) or not isinstance(amount, Decimal | str | int):
        raise TypeError(f"amount must be Decimal or text, not {type(amount).__name__}")
    if isinstance(amount, Decimal):
        return amount
    if isinstance(amount, int):
        return Decimal(amount)
    try:
        return Decimal(amount.strip())
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not a number such as 1250.50") from None


MAX_MINOR_DIGITS = len(str(MAX_MINOR))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """The amount as an integer of the currency's minor units ("120.50" USD → 12050).

    Floats are refused (TypeError); negative, non-finite, too large amounts and amounts with
    more decimals than the currency has are refused (ValueError) rather than rounded.
    """
    exponent = minor_units(currency)
    value = _as_decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be a finite number, not {amount!r}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {amount!r}")
    # Refuse huge magnitudes before scaling: "9e999996" would take seconds to turn into an int.
    if value != 0 and value.adjusted() > MAX_MINOR_DIGITS:
        raise ValueError(f"amount {amount!r} is too large")
    with localcontext(prec=DECIMAL_PRECISION):
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            places = f"{exponent} decimal places" if exponent else "no decimals"
            raise ValueError(
                f"{currency_code(currency)} amounts have {places}; {amount!r} has more"
            )
        minor = int(scaled)
    if minor > MAX_MINOR:
        raise ValueError(f"amount {amount!r} is too large")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """The amount in major units as an exact Decimal (12050 USD → Decimal("120.50"))."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units must be an int, not {type(minor).__name__}")
    if minor < 0:
        raise ValueError(f"minor units must not be negative, got {minor}")
    with localcontext(prec=DECIMAL_PRECISION):
        return Decimal(minor).scaleb(-minor_units(currency))


def format_money(minor: int, currency: str) -> str:
    """Plain text for people: "USD 120,000.00", "JPY 1,500,000", "BHD 12.345"."""
    exponent = minor_units(currency)
    return f"{currency_code(currency)} {from_minor(minor, currency):,.{exponent}f}"
