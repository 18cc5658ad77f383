"""Who holds a company: claiming, renewing and releasing registrations, and the customer list.

The database decides first come, first served: a claim is one INSERT ... ON CONFLICT DO
UPDATE ... WHERE protected_until <= now, which takes over a company only when the holder's
protection has run out. Two simultaneous claims of one company serialise on its unique key;
exactly one gets its referral id back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.schema import CreateTable, DropTable

from portal.content.model import Program
from portal.db_types import UTCDateTime, insert_for_dialect, utcnow
from portal.extensions import db
from portal.referrals.models import CompanyRegistration, Customer, Referral
from portal.referrals.normalise import company_key, normalise_domain

KEY_MAX = 300  # company_registrations.company_key
CUSTOMER_NAME_MAX = 200  # customers.name

# Where a bulk customer import is staged: a temporary table, private to the connection.
_STAGED_CUSTOMERS = sa.Table(
    "customer_import_rows",
    sa.MetaData(),
    sa.Column("domain", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    prefixes=["TEMPORARY"],
)


def key_text(website: str | None, email: str | None, name: str) -> str | None:
    """The registration key of a company ("domain:acme.com", "name:acme"), or None."""
    try:
        kind, value = company_key(website, email, name)
    except ValueError:
        return None
    key = f"{kind}:{value}"
    if len(key) > KEY_MAX:
        # Normalising can lengthen a name ("&" -> "and", ligatures); a digest keeps it unique.
        key = f"{kind}#sha256:{hashlib.sha256(value.encode()).hexdigest()}"
    return key


def _hold(key: str, referral: Referral, program: Program, now: datetime, *, only_if_expired: bool):
    """INSERT the registration for `referral`, or take the existing row over.

    `only_if_expired` takes over only a row whose protection has run out (first come wins);
    otherwise the row is taken over whatever its state (staff decided).
    """
    stmt = insert_for_dialect(CompanyRegistration).values(
        company_key=key,
        referral_id=referral.id,
        organization_id=referral.organization_id,
        registered_at=now,
        protected_until=now + timedelta(days=program.protection_days),
    )
    return stmt.on_conflict_do_update(
        index_elements=["company_key"],
        set_={
            "referral_id": stmt.excluded.referral_id,
            "organization_id": stmt.excluded.organization_id,
            "registered_at": stmt.excluded.registered_at,
            "protected_until": stmt.excluded.protected_until,
        },
        where=(CompanyRegistration.protected_until <= now) if only_if_expired else None,
    )


def claim(key: str, referral: Referral, program: Program, now: datetime) -> int | None:
    """Try to register the company for `referral`; return the id of the referral holding it.

    The holder is `referral.id` when this claim won. Otherwise it is the earlier registration,
    or None in the rare case that registration was released between the two statements.
    """
    stmt = _hold(key, referral, program, now, only_if_expired=True)
    won = db.session.scalar(stmt.returning(CompanyRegistration.referral_id))
    if won is not None:
        return won
    return db.session.scalar(
        sa.select(CompanyRegistration.referral_id).where(CompanyRegistration.company_key == key)
    )


def take_over(key: str, referral: Referral, program: Program, now: datetime) -> int | None:
    """Staff accepted `referral` under the rules of engagement: it holds the company now.

    Returns the id of the referral that held the company until now (None when nobody did, or
    the referral itself), read under a row lock so the one displaced is the one told.
    """
    previous = db.session.scalar(
        sa.select(CompanyRegistration.referral_id)
        .where(
            CompanyRegistration.company_key == key,
            CompanyRegistration.protected_until > now,
        )
        .with_for_update()
    )
    db.session.execute(_hold(key, referral, program, now, only_if_expired=False))
    return previous if previous != referral.id else None


def renew(referral: Referral, program: Program, now: datetime | None = None) -> None:
    """Restart the protection window of the registration the referral holds (stage change)."""
    now = now or utcnow()
    db.session.execute(
        sa.update(CompanyRegistration)
        .where(CompanyRegistration.referral_id == referral.id)
        .values(protected_until=now + timedelta(days=program.protection_days))
    )


def release(referral: Referral) -> None:
    """The referral closed: the company is free to register again."""
    db.session.execute(
        sa.delete(CompanyRegistration).where(CompanyRegistration.referral_id == referral.id)
    )


def holds_registration(referral_id: int, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        db.session.scalar(
            sa.select(CompanyRegistration.id).where(
                CompanyRegistration.referral_id == referral_id,
                CompanyRegistration.protected_until > now,
            )
        )
        is not None
    )


def is_registered(key: str, now: datetime | None = None) -> bool:
    """True when an open registration inside its protection window holds the company."""
    now = now or utcnow()
    return (
        db.session.scalar(
            sa.select(CompanyRegistration.id).where(
                CompanyRegistration.company_key == key, CompanyRegistration.protected_until > now
            )
        )
        is not None
    )


def is_customer(domain: str | None) -> bool:
    if not domain:
        return False
    return db.session.scalar(sa.select(Customer.id).where(Customer.domain == domain)) is not None


def add_customer_domain(domain: str, name: str, added_by_id: int | None) -> bool:
    """Put a domain on the customer list unless it is there; True if this call added it."""
    added = db.session.scalar(
        insert_for_dialect(Customer)
        .values(
            domain=domain,
            name=name[:CUSTOMER_NAME_MAX],
            added_by_id=added_by_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["domain"])
        .returning(Customer.id)
    )
    return added is not None


def add_customer_domains(customers: Sequence[tuple[str, str]], added_by_id: int | None) -> int:
    """Put many (domain, name) pairs on the customer list; how many were not there. No commit.

    The domains must be normalised and distinct. They are staged in a temporary table
    (PostgreSQL: COPY; SQLite: one executemany) and merged by one INSERT ... SELECT ...
    ON CONFLICT DO NOTHING, so a domain already listed (or listed meanwhile by someone else)
    is skipped rather than an error, and nothing is committed here.
    """
    if not customers:
        return 0
    connection = db.session.connection()
    # IF NOT EXISTS and the DELETE: on SQLite a CREATE that opens the transaction runs outside
    # it, so an import that was rolled back can leave the table behind on this connection.
    connection.execute(CreateTable(_STAGED_CUSTOMERS, if_not_exists=True))
    connection.execute(sa.delete(_STAGED_CUSTOMERS))
    _stage(connection, [(domain, name[:CUSTOMER_NAME_MAX]) for domain, name in customers])
    staged = _STAGED_CUSTOMERS.c
    rows = sa.select(
        staged.domain,
        staged.name,
        sa.literal(added_by_id, sa.Integer()),
        sa.literal(utcnow(), UTCDateTime()),
    ).where(sa.true())  # SQLite parses an upsert's SELECT only when it has a WHERE
    merge = (
        insert_for_dialect(Customer)
        .from_select(["domain", "name", "added_by_id", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["domain"])
    )
    added = connection.execute(merge, execution_options={"preserve_rowcount": True}).rowcount
    connection.execute(DropTable(_STAGED_CUSTOMERS))
    return added


def _stage(connection: sa.Connection, rows: list[tuple[str, str]]) -> None:
    """Write (domain, name) rows into the staging table through the driver, in bulk."""
    driver = connection.connection.driver_connection
    if driver is None:  # only an invalidated connection has none, and it fails before here
        raise sa.exc.ResourceClosedError("the database connection was closed")
    if connection.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy("COPY customer_import_rows (domain, name) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        cursor = driver.cursor()
        try:
            cursor.executemany(
                "INSERT INTO customer_import_rows (domain, name) VALUES (?, ?)", rows
            )
        finally:
            cursor.close()


@dataclass(frozen=True)
class CompanyConflict:
    """Why a company is not free for a new introduction: a partner's registration or a customer."""

    kind: str  # "registered" | "customer"
    organization_id: int | None  # the registering partner (None for a customer)


def company_conflict(
    website: str | None, email: str | None, name: str, now: datetime | None = None
) -> CompanyConflict | None:
    """The registration (inside its protection window) or customer entry holding a company.

    The same keys the referral conflict check uses, so a vendor lead and a partner referral
    for one company are judged alike.
    """
    now = now or utcnow()
    domain = normalise_domain(website, email)
    if is_customer(domain):
        return CompanyConflict("customer", None)
    key = key_text(website, email, name)
    if key is None:
        return None
    holder = db.session.scalar(
        sa.select(CompanyRegistration.organization_id).where(
            CompanyRegistration.company_key == key, CompanyRegistration.protected_until > now
        )
    )
    return CompanyConflict("registered", holder) if holder is not None else None
