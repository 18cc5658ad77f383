"""The customer list kept in step with a CRM: a batch of customers upserted by domain.

The key is the CSV upload's: the domain as `normalise_domain` makes it, so a website and its
bare domain are one customer. Each row is checked by the upload's own rules (`domain_problem`,
`name_problem` in customer_list.py) and, as with a file, a batch with any bad row changes
nothing; its problems are named by the row's position instead of a file line. A good batch is
one INSERT ... ON CONFLICT (domain) DO UPDATE: a new domain is added, a listed one takes the
batch's name when one is given and differs (a blank name leaves the list's name alone, so a
CRM without names never erases them). Within a batch the first row naming a domain gives its
name, as the first line does in a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.referrals.customer_list import as_sentence, domain_problem, name_problem
from portal.referrals.models import Customer

__all__ = ["CUSTOMER_BATCH_MAX", "CustomerUpsert", "RowProblem", "UpsertResult", "upsert_customers"]

# Rows per batch: a CRM sends its list in batches of this size at most (each is one
# statement and one transaction; larger lists go through several batches or the CSV upload).
CUSTOMER_BATCH_MAX = 1000

Outcome = Literal["added", "renamed", "unchanged", "repeated"]


class RowProblem(NamedTuple):
    row: int  # the row's position in the batch, from 0
    field: str  # "domain" or "name"
    message: str


class CustomerUpsert(NamedTuple):
    domain: str  # normalised: the key
    name: str  # as the list has it now
    outcome: Outcome


@dataclass(frozen=True)
class UpsertResult:
    rows: list[CustomerUpsert] = field(default_factory=list)  # one per row, in order
    problems: list[RowProblem] = field(default_factory=list)  # none written when any

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def upsert_customers(batch: Sequence[tuple[str, str]], actor: User) -> UpsertResult:
    """Upsert (name, domain or website) rows; every row or, with any problem, none. No commit."""
    if len(batch) > CUSTOMER_BATCH_MAX:
        raise ValueError(f"at most {CUSTOMER_BATCH_MAX} customers per batch")
    checked: list[tuple[str, str]] = []
    problems: list[RowProblem] = []
    for index, (raw_name, given) in enumerate(batch):
        domain, problem = domain_problem(given)
        if problem is not None or domain is None:
            problems.append(RowProblem(index, "domain", as_sentence(problem or "unusable")))
            continue
        name = raw_name.strip()
        problem = name_problem(name)
        if problem is not None:
            problems.append(RowProblem(index, "name", as_sentence(problem)))
            continue
        checked.append((domain, name))
    if problems:
        return UpsertResult(problems=problems)

    first_names: dict[str, str] = {}
    for domain, name in checked:
        first_names.setdefault(domain, name)
    listed: dict[str, str] = {  # noqa: C416 (Row pairs)
        domain: name
        for domain, name in db.session.execute(
            sa.select(Customer.domain, Customer.name).where(Customer.domain.in_(first_names))
        )
    }
    _write(first_names, actor.id)

    rows: list[CustomerUpsert] = []
    seen: set[str] = set()
    for domain, _name in checked:
        final = first_names[domain]
        before = listed.get(domain)
        outcome: Outcome
        if domain in seen:
            outcome = "repeated"
        elif before is None:
            outcome = "added"
        elif final and final != before:
            outcome = "renamed"
        else:
            outcome, final = "unchanged", before
        seen.add(domain)
        rows.append(CustomerUpsert(domain, final or (before or ""), outcome))
    result = UpsertResult(rows=rows)
    record_audit(
        actor,
        "customers.upserted",
        "customer_list",
        "batch",
        after={
            "rows": len(rows),
            "added": result.count("added"),
            "renamed": result.count("renamed"),
            "unchanged": result.count("unchanged") + result.count("repeated"),
        },
    )
    return result


def _write(names: dict[str, str], added_by_id: int) -> None:
    """One statement: new domains inserted, listed ones renamed where a new name is given.

    Core and executemany (one compiled single-row statement, its parameter sets batched by
    the driver layer), not a 1,000-row VALUES clause: compiling that took most of a batch.
    """
    table = Customer.__table__
    stmt = insert_for_dialect(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["domain"],
        set_={"name": stmt.excluded.name},
        where=sa.and_(stmt.excluded.name != "", table.c.name != stmt.excluded.name),
    )
    now = utcnow()
    rows = [
        {"domain": domain, "name": name, "added_by_id": added_by_id, "created_at": now}
        for domain, name in names.items()
    ]
    db.session.connection().execute(stmt, rows)
