"""The referral form's syntax checks as plain functions: websites, phones, amounts."""

from __future__ import annotations

import pytest

from portal.referrals.forms import (
    IDEMPOTENCY_KEY,
    amount_in_minor,
    new_idempotency_key,
    phone_problem,
    website_problem,
    website_url,
)


@pytest.mark.parametrize(
    "website",
    [
        "acme.com",
        "www.acme.co.uk",
        "https://acme.com",
        "http://sales.acme.com/contact?x=1",
        "HTTPS://ACME.COM/",
        "https://acme.com:8443/path",
        "acme.com:8080",
        "bücher.de",
        "https://xn--bcher-kva.de",
        "northwind-3.example.co.uk",
    ],
)
def test_websites_that_are_accepted(website: str) -> None:
    assert website_problem(website) is None


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:someone@acme.com",
        "ftp://acme.com",
        "//acme.com",
        "acme .com",
        "https://acme.com/a b",
        "acme",
        "localhost",
        "https://",
        "https://user:pw@acme.com",
        "someone@acme.com",
        "192.168.1.1",
        "https://[::1]/",
        "acme.com:port",
        "-acme.com",
        "acme..com",
        "<script>alert(1)</script>",
        "acme.c0m",
    ],
)
def test_websites_that_are_refused(website: str) -> None:
    assert website_problem(website)


def test_bare_hosts_become_links() -> None:
    assert website_url("acme.com") == "https://acme.com"
    assert website_url("http://acme.com") == "http://acme.com"
    assert website_url("") == ""


@pytest.mark.parametrize(
    "phone", ["+44 20 7946 0958", "(555) 010-2030", "555.010.2030", "+1 555 010 2030 ext. 12"]
)
def test_phones_that_are_accepted(phone: str) -> None:
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["call me", "12", "+44 <b>20</b>", "555-CALL-NOW", "1234;DROP"])
def test_phones_that_are_refused(phone: str) -> None:
    assert phone_problem(phone)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("0", "USD", 0),
        ("48000", "USD", 4_800_000),
        ("48,000.50", "USD", 4_800_050),
        ("1,250,000", "EUR", 125_000_000),
        ("1500000", "JPY", 1_500_000),
        ("12.345", "BHD", 12_345),
        ("999999999999.99", "USD", 99_999_999_999_999),
    ],
)
def test_amounts_in_minor_units(text: str, currency: str, minor: int) -> None:
    assert amount_in_minor(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("-5", "USD", "cannot be negative"),
        ("12.345", "USD", "at most 2 decimal places"),
        ("100.5", "JPY", "no decimals"),
        ("1e6", "USD", "number such as"),
        ("NaN", "USD", "number such as"),
        ("Infinity", "USD", "number such as"),
        ("48.000,50", "USD", "number such as"),
        ("12,34", "USD", "number such as"),
        ("$100", "USD", "number such as"),
        ("1000000000000", "USD", "below"),
    ],
)
def test_amounts_that_are_refused(text: str, currency: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        amount_in_minor(text, currency)


def test_idempotency_keys_are_fresh_hex() -> None:
    first, second = new_idempotency_key(), new_idempotency_key()
    assert first != second
    assert IDEMPOTENCY_KEY.fullmatch(first)
