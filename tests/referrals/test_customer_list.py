"""Changing the customer list without a request: CSV import (all or nothing), add, remove."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.referrals import registration
from portal.referrals.api import (
    CustomerRefused,
    add_customer,
    import_customers_csv,
    remove_customer,
)
from portal.referrals.customer_list import parse_customers_csv
from portal.referrals.models import Customer


def _domains() -> list[str]:
    return list(db.session.scalars(sa.select(Customer.domain).order_by(Customer.domain)))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_import_happy_path(app, staff_user):
    text = (
        "Name,Website,Owner\n"
        "Acme Widgets,https://www.shop.acme-widgets.co.uk/,Sam\n"
        "\n"
        "Bücher GmbH,bücher.de,\n"
        '"Initech, Inc.",initech.com\n'
    )
    result = import_customers_csv(text, "customers.csv", staff_user)
    db.session.commit()
    assert (result.added, result.skipped_existing, result.problems) == (3, 0, [])
    assert _domains() == ["acme-widgets.co.uk", "initech.com", "xn--bcher-kva.de"]
    names = dict(db.session.execute(sa.select(Customer.domain, Customer.name)).all())
    assert names["initech.com"] == "Initech, Inc."
    assert registration.is_customer("acme-widgets.co.uk")
    (entry,) = _audit("customers.imported")
    assert entry.actor_id == staff_user.id
    assert entry.after == {"file": "customers.csv", "added": 3, "skipped_existing": 0}


def test_import_with_a_domain_column_and_bom(app, staff_user):
    text = "\ufeffdomain;x,NAME\nglobex.com,Globex\n"
    # The header's first cell is "domain;x": no domain column, so the header is refused.
    assert import_customers_csv(text, "a.csv", staff_user).problems
    result = import_customers_csv("\ufeffDomain,Name\nglobex.com,Globex\n", "b.csv", staff_user)
    assert result.added == 1 and _domains() == ["globex.com"]


def test_duplicates_in_the_file_and_on_the_list_are_skipped_and_counted(app, staff_user):
    registration.add_customer_domain("umbrella.com", "Umbrella", staff_user.id)
    text = (
        "name,domain\n"
        "Umbrella,umbrella.com\n"
        "Hooli,hooli.com\n"
        "Hooli again,www.hooli.com\n"
        "Hooli EU,eu.hooli.com\n"
        "Stark,stark.io\n"
    )
    result = import_customers_csv(text, "dupes.csv", staff_user)
    assert (result.added, result.skipped_existing, result.problems) == (2, 3, [])
    assert _domains() == ["hooli.com", "stark.io", "umbrella.com"]


def test_any_problem_imports_nothing_and_names_file_and_line(app, staff_user):
    text = (
        "name,website\n"
        "Good Co,goodco.com\n"
        "Blank,\n"
        "Free mail,gmail.com\n"
        "Not a domain,not a domain at all\n"
        f"Long,{'a' * 301}.com\n"
        f"{'N' * 201},longname.com\n"
        '"Multi\nline",multi.com\n'
        "Also good,alsogood.com\n"
    )
    result = import_customers_csv(text, "upload.csv", staff_user)
    assert result.added == 0 and result.skipped_existing == 0
    assert _domains() == []
    assert _audit("customers.imported") == []
    problems = "\n".join(result.problems)
    assert "upload.csv:3: the domain is blank" in problems
    assert "upload.csv:4: “gmail.com” is not a usable company domain" in problems
    assert "upload.csv:5: “not a domain at all” is not a usable" in problems
    assert "upload.csv:6: the domain is longer than 300 characters" in problems
    assert "upload.csv:7: the name is longer than 200 characters" in problems
    assert len(result.problems) == 5  # the quoted two-line name is fine


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "f.csv:1: the first line must name the columns"),
        ("acme.com,Acme\n", "f.csv:1: the first line must name the columns"),
        ("name,email\nAcme,a@acme.com\n", "f.csv:1: the first line must name the columns"),
        ("name,domain\n", "f.csv: the file has a header but no customers."),
        ("name,domain\nA,a\x00.com\n", "f.csv: the file contains NUL characters"),
    ],
)
def test_unusable_files(app, staff_user, text, problem):
    rows, problems = parse_customers_csv(text, "f.csv")
    assert rows == []
    assert problems and problems[0].startswith(problem)


def test_many_problems_are_summarised(app, staff_user):
    text = "name,domain\n" + "x,gmail.com\n" * 80
    result = import_customers_csv(text, "f.csv", staff_user)
    assert len(result.problems) == 51
    assert result.problems[-1] == "… and 30 more problems."


def test_add_and_remove_with_audit(app, staff_user):
    domain, added = add_customer("Acme", "https://www.Shop.ACME.com/path", staff_user)
    assert (domain, added) == ("acme.com", True)
    assert add_customer("Acme again", "acme.com", staff_user) == ("acme.com", False)
    db.session.commit()
    (entry,) = _audit("customer.added")
    assert entry.after == {"domain": "acme.com", "name": "Acme"}

    customer = db.session.scalar(sa.select(Customer))
    removed = remove_customer(customer.id, staff_user)
    db.session.commit()
    assert removed is not None and _domains() == []
    (entry,) = _audit("customer.removed")
    assert entry.before == {"domain": "acme.com", "name": "Acme"}
    assert entry.target_id == str(customer.id)
    assert remove_customer(customer.id, staff_user) is None


@pytest.mark.parametrize("bad", ["", "   ", "gmail.com", "someone@yahoo.com", "no spaces.com"])
def test_add_refuses_unusable_domains(app, staff_user, bad):
    with pytest.raises(CustomerRefused):
        add_customer("X", bad, staff_user)
    assert _domains() == []


# --- at production size ----------------------------------------------------------------


def test_repeats_in_the_file_keep_the_first_name(app, staff_user):
    text = (
        "name,domain\n"
        "Hooli,hooli.com\n"
        "Hooli Europe,https://eu.hooli.com/\n"
        "Bücher,bücher.de\n"
        "Buecher,xn--bcher-kva.de\n"
    )
    result = import_customers_csv(text, "f.csv", staff_user)
    assert (result.added, result.skipped_existing, result.problem_count) == (2, 2, 0)
    names = dict(db.session.execute(sa.select(Customer.domain, Customer.name)).all())
    assert names == {"hooli.com": "Hooli", "xn--bcher-kva.de": "Bücher"}


def test_bulk_add_counts_only_new_domains_and_survives_a_rollback(app, staff_user):
    assert registration.add_customer_domains([], staff_user.id) == 0
    pairs = [("acme.com", "Acme"), ("globex.com", "Globex"), ("initech.com", "x" * 300)]
    db.session.commit()
    assert registration.add_customer_domains(pairs, staff_user.id) == 3  # opens the transaction
    db.session.rollback()  # SQLite keeps the staging table it created outside the transaction
    assert _domains() == []
    registration.add_customer_domain("acme.com", "Acme", staff_user.id)
    assert registration.add_customer_domains(pairs, staff_user.id) == 2
    assert registration.add_customer_domains(pairs, staff_user.id) == 0  # twice in one go
    db.session.commit()
    customers = db.session.scalars(sa.select(Customer).order_by(Customer.domain)).all()
    assert [(c.domain, len(c.name), c.added_by_id) for c in customers] == [
        ("acme.com", 4, staff_user.id),
        ("globex.com", 6, staff_user.id),
        ("initech.com", 200, staff_user.id),
    ]
    assert customers[1].created_at == customers[2].created_at  # one statement, one time
    assert customers[1].created_at.tzinfo is not None
