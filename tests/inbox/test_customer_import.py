"""The customer CSV import at production size: bulk, atomic, every problem by line, size limit."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.inbox.customer_forms import size_text
from portal.referrals import registration
from portal.referrals.customer_list import MAX_PROBLEMS_SHOWN
from portal.referrals.models import Customer

SUFFIXES = ("com", "co.uk", "de", "com.au", "io", "co.jp", "myshopify.com")
LARGE = 20_000


def _large_file(rows: int = LARGE, last_line: str | None = None) -> tuple[str, set[str]]:
    """`rows` customers in the forms people paste, every 10th a repeat; (text, domains)."""
    lines = ["name,website,owner,segment"]
    domains: set[str] = set()
    for n in range(rows):
        company = n - 1 if n % 10 == 9 else n  # the line before, written another way
        domain = f"company-{company}.{SUFFIXES[company % len(SUFFIXES)]}"
        website = f"https://www.{domain}/about" if n % 10 == 9 else domain
        lines.append(f"Company {company} Ltd,{website},Sam Carter,Enterprise")
        domains.add(domain)
    if last_line is not None:
        lines.append(last_line)
    return "\n".join(lines) + "\n", domains


def _upload(client, data: bytes, filename: str = "customers.csv", **form: str):
    response = client.post(
        "/inbox/customers/upload",
        data={"file": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def _domains() -> set[str]:
    return set(db.session.scalars(sa.select(Customer.domain)))


def _imports() -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "customers.imported"))
    )


def test_a_large_file_imports_through_the_page(app, login, staff_user):
    registration.add_customer_domain("company-8.co.uk", "Already here", staff_user.id)
    db.session.commit()
    text, domains = _large_file()
    data = text.encode()
    assert len(data) > 1024 * 1024  # more than every other form may send
    client = login(staff_user)
    response = _upload(client, data, "crm-export.csv")
    assert response.status_code == 302
    assert _domains() == domains
    added, repeated = len(domains) - 1, LARGE - len(domains) + 1
    page = client.get("/inbox/customers").get_data(as_text=True)
    assert f"Imported crm-export.csv: {added} added, {repeated} already on the list" in page
    (entry,) = _imports()
    assert entry.after == {"file": "crm-export.csv", "added": added, "skipped_existing": repeated}
    names = dict(db.session.execute(sa.select(Customer.domain, Customer.name)).all())
    assert names["company-8.co.uk"] == "Already here"  # an import adds, it never overwrites
    assert names["company-10.com.au"] == "Company 10 Ltd"


def test_a_bad_last_line_leaves_the_list_as_it_was(app, login, staff_user):
    registration.add_customer_domain("umbrella.com", "Umbrella", staff_user.id)
    db.session.commit()
    text, _ = _large_file(last_line="Free mail,someone@gmail.com")
    response = _upload(login(staff_user), text.encode(), "crm-export.csv")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported: the file has 1 problem, listed below." in body
    assert f"crm-export.csv:{LARGE + 2}: “someone@gmail.com” is not a usable company" in body
    assert _domains() == {"umbrella.com"}
    assert _imports() == []


def test_every_problem_is_counted_and_the_first_are_listed(app, login, staff_user):
    lines = ["name,domain"]
    for n in range(1, 1001):
        lines.append(f"Company {n},gmail.com" if n % 4 == 0 else f"Company {n},c{n}.com")
    response = _upload(login(staff_user), "\n".join(lines).encode(), "list.csv")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported: the file has 250 problems, listed below." in body
    shown = re.findall(r"list\.csv:(\d+): “gmail\.com”", body)
    assert [int(line) for line in shown] == [n + 1 for n in range(4, 4 * MAX_PROBLEMS_SHOWN + 1, 4)]
    assert f"… and {250 - MAX_PROBLEMS_SHOWN} more problems." in body
    assert _domains() == set()


def test_a_file_over_the_limit_is_refused_with_the_limit_named(app, login, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "CUSTOMER_IMPORT_MAX_BYTES", 64 * 1024)
    client = login(staff_user)
    header = b"name,domain\n"
    just_over = header + b"Acme,acme.com\n" * (64 * 1024 // 14)
    assert 64 * 1024 < len(just_over) < 64 * 1024 + 1024
    response = _upload(client, just_over)
    assert response.status_code == 422
    message = "The file is larger than 64 KB, the most one upload may be."
    assert message in response.get_data(as_text=True)
    # Far over the limit, the body itself is refused before the view: the same message.
    response = _upload(client, header + b"Acme,acme.com\n" * 100_000)
    assert response.status_code == 413
    assert message in response.get_data(as_text=True)
    assert _domains() == set()
    # Within the limit, it imports.
    response = _upload(client, just_over[: just_over.rindex(b"\n", 0, 64 * 1024) + 1])
    assert response.status_code == 302 and _domains() == {"acme.com"}


def test_only_staff_may_send_a_large_body_and_csrf_still_applies(
    app, login, staff_user, partner_user, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    text, domains = _large_file()
    data = text.encode()
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    partner = login(partner_user)
    assert _upload(partner, data).status_code == 413
    staff = login(staff_user)
    assert _upload(staff, data).status_code == 400  # no CSRF token: refused, nothing stored
    assert _domains() == set()
    page = staff.get("/inbox/customers").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = _upload(staff, data, csrf_token=token.group(1))
    assert response.status_code == 302
    assert _domains() == domains


def test_the_page_names_the_limit_and_says_it_is_working(app, login, staff_user):
    page = login(staff_user).get("/inbox/customers").get_data(as_text=True)
    assert "UTF-8, at most 8 MB" in page
    assert 'data-busy="Importing…"' in page


@pytest.mark.parametrize(
    ("size", "text"),
    [(8 * 1024 * 1024, "8 MB"), (1536 * 1024, "1.5 MB"), (64 * 1024, "64 KB"), (100, "1 KB")],
)
def test_size_text(size, text):
    assert size_text(size) == text
