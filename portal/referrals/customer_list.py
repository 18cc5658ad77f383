"""Changing the customer list: a referral for a customer's domain is a conflict to decide.

Domains are stored as `normalise_domain` makes them (registrable, lower case, punycode), so
"https://www.Shop.Acme.co.uk/" and "acme.co.uk" are one customer. A CSV import adds to the
list and is all or nothing: one bad row and nothing is stored, every problem named as
`file:line: what`. A good file is deduplicated in Python and written in one bulk statement
(`registration.add_customer_domains`), so 100,000 lines take seconds, not minutes.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.extensions import db
from portal.referrals import registration
from portal.referrals.models import Customer
from portal.referrals.normalise import normalise_domain
from portal.referrals.registration import CUSTOMER_NAME_MAX

__all__ = [
    "CUSTOMER_DOMAIN_INPUT_MAX",
    "CUSTOMER_DOMAIN_MAX",
    "CUSTOMER_NAME_MAX",
    "MAX_PROBLEMS_SHOWN",
    "CustomerRefused",
    "CustomerRow",
    "ImportResult",
    "add_customer",
    "as_sentence",
    "domain_problem",
    "import_customers_csv",
    "name_problem",
    "parse_customers_csv",
    "remove_customer",
]

CUSTOMER_DOMAIN_INPUT_MAX = 300  # what a person may type or upload before normalisation
CUSTOMER_DOMAIN_MAX = 255  # the column
MAX_PROBLEMS_SHOWN = 50
_DOMAIN_COLUMNS = ("domain", "website")


class CustomerRefused(ValueError):
    """The input cannot be a customer; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    skipped_existing: int = 0  # already on the list, or repeated within the file
    problems: list[str] = field(default_factory=list)  # the first MAX_PROBLEMS_SHOWN, summed up
    problem_count: int = 0  # every problem in the file
    parse_seconds: float = 0.0  # reading and checking the file
    write_seconds: float = 0.0  # storing it


class CustomerRow(NamedTuple):
    """One row of a parsed file: a usable customer and the line it came from."""

    line: int
    domain: str
    name: str


def domain_problem(value: str) -> tuple[str | None, str | None]:
    """(normalised domain, None) for usable input, else (None, what is wrong with it)."""
    text = value.strip()
    if not text:
        return None, "the domain is blank"
    if len(text) > CUSTOMER_DOMAIN_INPUT_MAX:
        return None, f"the domain is longer than {CUSTOMER_DOMAIN_INPUT_MAX} characters"
    domain = normalise_domain(text)
    if domain is None:
        return None, (
            f"“{_clip(text)}” is not a usable company domain "
            "(free-mail and consumer addresses, IP addresses and invalid names cannot be)"
        )
    if len(domain) > CUSTOMER_DOMAIN_MAX:
        return None, f"the domain is longer than {CUSTOMER_DOMAIN_MAX} characters"
    return domain, None


def name_problem(name: str) -> str | None:
    """What is wrong with a customer's (trimmed) name, None when nothing is."""
    if len(name) > CUSTOMER_NAME_MAX:
        return f"the name is longer than {CUSTOMER_NAME_MAX} characters"
    return None


def parse_customers_csv(text: str, filename: str) -> tuple[list[CustomerRow], list[str]]:
    """Read `name,domain` (or `name,website`) rows; (rows, problems naming `file:line`)."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return [], [f"{filename}: the file contains NUL characters; it is not a CSV text file."]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[CustomerRow] = []
    problems: list[str] = []
    # A customer repeated in the file (a contact-level export) is checked once.
    checked: dict[str, tuple[str | None, str | None]] = {}
    try:
        header = next(reader, None)
        columns = _columns(header)
        if columns is None:
            return [], [
                f"{filename}:1: the first line must name the columns: name and domain "
                "(or name and website)."
            ]
        name_at, domain_columns = columns
        for cells in reader:
            if not "".join(cells).strip():
                continue  # blank lines are not rows
            width = len(cells)
            name = cells[name_at].strip() if name_at < width else ""
            given = ""
            for at in domain_columns:  # with both columns, a blank domain falls back to the website
                if at < width and cells[at].strip():
                    given = cells[at]
                    break
            outcome = checked.get(given)
            if outcome is None:
                outcome = checked[given] = domain_problem(given)
            domain, problem = outcome
            if problem is None:
                problem = name_problem(name)
            if problem is not None:
                problems.append(f"{filename}:{reader.line_num}: {problem}")
            elif domain is not None:
                rows.append(CustomerRow(line=reader.line_num, domain=domain, name=name))
    except csv.Error as error:
        problems.append(f"{filename}:{reader.line_num}: not readable as CSV ({error}).")
    if not rows and not problems:
        problems.append(f"{filename}: the file has a header but no customers.")
    return rows, problems


def import_customers_csv(text: str, filename: str, actor: User) -> ImportResult:
    """Add every customer in the file, or none when any row has a problem; no commit."""
    started = time.perf_counter()
    rows, problems = parse_customers_csv(text, filename)
    parsed = time.perf_counter()
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems.")
        return ImportResult(
            problems=shown, problem_count=len(problems), parse_seconds=parsed - started
        )
    first_names: dict[str, str] = {}  # the first line naming a domain gives its name
    for row in rows:
        first_names.setdefault(row.domain, row.name)
    added = registration.add_customer_domains(list(first_names.items()), actor.id)
    skipped = len(rows) - added
    record_audit(
        actor,
        "customers.imported",
        "customer_list",
        filename[:64],
        after={"file": filename, "added": added, "skipped_existing": skipped},
    )
    return ImportResult(
        added=added,
        skipped_existing=skipped,
        parse_seconds=parsed - started,
        write_seconds=time.perf_counter() - parsed,
    )


def add_customer(name: str, website_or_domain: str, actor: User) -> tuple[str, bool]:
    """Put one company on the list: (its domain, True if added; False if it was there).

    Raises CustomerRefused when the input is no usable company domain. No commit.
    """
    domain, problem = domain_problem(website_or_domain)
    if problem is not None or domain is None:
        raise CustomerRefused(as_sentence(problem or "the domain is not usable"))
    name = name.strip()
    problem = name_problem(name)
    if problem is not None:
        raise CustomerRefused(as_sentence(problem))
    added = registration.add_customer_domain(domain, name, actor.id)
    if added:
        customer_id = db.session.scalar(sa.select(Customer.id).where(Customer.domain == domain))
        record_audit(
            actor, "customer.added", "customer", customer_id, after={"domain": domain, "name": name}
        )
    return domain, added


def remove_customer(customer_id: int, actor: User) -> Customer | None:
    """Take a customer off the list; the removed row, or None if it was not there. No commit."""
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        return None
    record_audit(
        actor,
        "customer.removed",
        "customer",
        customer.id,
        before={"domain": customer.domain, "name": customer.name},
    )
    db.session.delete(customer)
    db.session.flush()
    return customer


def _columns(header: list[str] | None) -> tuple[int, list[int]] | None:
    """Positions of the name column and of the domain and website columns in the header."""
    if not header:
        return None
    names = [cell.strip().lower() for cell in header]
    domain_columns = [names.index(wanted) for wanted in _DOMAIN_COLUMNS if wanted in names]
    if "name" not in names or not domain_columns:
        return None
    return names.index("name"), domain_columns


def _clip(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def as_sentence(problem: str) -> str:
    """A problem as these functions word it ("the domain is blank") as a sentence."""
    return problem[0].upper() + problem[1:] + ("" if problem.endswith(".") else ".")
