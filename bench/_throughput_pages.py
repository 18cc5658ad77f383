"""The pages bench/throughput.py drives, who sees each, its budget, and the SQL statements one
request of it runs (counted in-process with Flask's test client on the same database).

Budgets (issue 16, section 2), as a ratio of requests/s to the hello-world app in the same run:
content pages >= 0.3; partner home, search, referral list, one referral, earnings >= 0.2; the
inbox's first page >= 0.15; every other page >= 0.1. SQL statements per request: <= 6 on partner
pages, <= 8 on staff pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.demo import DEMO_USERS
from portal.extensions import db, login_manager
from portal.learning.certificates import new_verification_code
from portal.learning.models import Certification
from portal.referrals.models import Referral

__all__ = ["PARTNER_STATEMENTS", "STAFF_STATEMENTS", "Page", "count_statements", "main_pages"]

PARTNER_STATEMENTS = 6
STAFF_STATEMENTS = 8
# Who signs in for each side: a partner admin (the scorecard and earnings are theirs), the
# partner manager, and the admin (the audit log), all from the demo data (portal/demo.py).
SIGN_INS = {
    "partner": DEMO_USERS[2][0],
    "staff": DEMO_USERS[0][0],
    "admin": DEMO_USERS[1][0],
}


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    role: str  # a key of SIGN_INS
    min_ratio: float  # requests/s of the hello-world app

    @property
    def max_statements(self) -> int:
        return PARTNER_STATEMENTS if self.role == "partner" else STAFF_STATEMENTS


def main_pages(app: Flask) -> list[Page]:
    """The issue's page list, with ids read from the demo content and data."""
    with app.app_context():
        content = current_content()
        partner = db.session.scalar(sa.select(User).where(User.email == SIGN_INS["partner"]))
        assert partner is not None, "the demo data is not loaded"
        assert partner.organization is not None
        path = content.paths_for(partner.organization.partner_type)[0]
        module = path.modules[0]
        quiz = next((m for m in path.modules if m.quiz is not None), module)
        kit = next(iter(content.kits.values()))
        playbook = next(iter(content.playbooks))  # "<kind>/<id>", as in its URL
        referral = db.session.scalar(
            sa.select(Referral)
            .where(Referral.organization_id == partner.organization_id)
            .order_by(Referral.id)
        )
        certificate = db.session.scalar(
            sa.select(Certification.id).where(Certification.user_id == partner.id)
        ) or _certify(partner, path.id, path.certificate, path.valid_days)
        assert referral is not None, "the demo partner has no referral"
        ref = referral.reference
    pages = [
        Page("partner home", "/", "partner", 0.2),
        Page("learning path", f"/learn/{path.id}", "partner", 0.3),
        Page("module", f"/learn/{path.id}/{module.id}", "partner", 0.3),
        Page("quiz (module with a quiz)", f"/learn/{path.id}/{quiz.id}", "partner", 0.3),
        Page("certificate", f"/certificates/{certificate}", "partner", 0.1),
        Page("kits", "/kits", "partner", 0.3),
        Page("one kit", f"/kits/{kit.id}", "partner", 0.3),
        Page("playbooks", "/playbooks", "partner", 0.3),
        Page("one playbook", f"/playbooks/{playbook}", "partner", 0.3),
        Page("search ?q=objection", "/search?q=objection", "partner", 0.2),
        Page("referral list", "/referrals", "partner", 0.2),
        Page("one referral", f"/referrals/{ref}", "partner", 0.2),
        Page("earnings", "/earnings", "partner", 0.2),
        Page("scorecard", "/scorecard", "partner", 0.1),
        Page("inbox first page", "/inbox/", "staff", 0.15),
        Page("one inbox referral", f"/inbox/{ref}", "staff", 0.1),
        Page("commissions", "/inbox/commissions", "staff", 0.1),
        Page("customers", "/inbox/customers", "staff", 0.1),
        Page("organisation list", "/staff/orgs", "staff", 0.1),
        Page("insights", "/insights", "staff", 0.1),
        Page("audit log", "/admin/audit", "admin", 0.1),
    ]
    return pages


class _StatementCounter:
    """Statements sent to the database, transaction control aside (the tests' rolled-back
    transactions add SAVEPOINTs that a deployment does not run)."""

    _CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)

    def __init__(self, engine: sa.Engine):
        self.count = 0
        self.engine = engine
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not self._CONTROL.match(statement):
            self.count += 1

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def _certify(user: User, path_id: str, name: str, valid_days: int | None) -> int:
    """The demo's partner admin holds no certificate yet: give them one in this throwaway
    database, so the certificate page has something to show (a harness step, not a feature)."""
    issued = utcnow()
    certification = Certification(
        user_id=user.id,
        organization_id=user.organization_id,
        path_id=path_id,
        certificate_name=name,
        code=new_verification_code(),
        issued_at=issued,
        expires_at=issued + timedelta(days=valid_days) if valid_days else None,
    )
    db.session.add(certification)
    db.session.commit()
    return certification.id


def count_statements(app: Flask, pages: list[Page]) -> dict[str, int]:
    """SQL statements of one request of each page (after one warm-up request), by page name.

    Signed in as Flask-Login would sign in (tests/conftest.py sign_in); a page that does not
    answer 200 is an error, not a count.
    """
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with app.app_context():
        tokens = {
            role: db.session.scalar(sa.select(User.session_token).where(User.email == email))
            for role, email in SIGN_INS.items()
        }
        counter = _StatementCounter(db.engine)
    counts: dict[str, int] = {}
    try:
        for page in pages:
            with client.session_transaction() as session:
                session.clear()
                session["_user_id"] = tokens[page.role]
                session["_fresh"] = True
                session["_id"] = identifier
            client.get(page.url)  # warm: first-use caches are not what a request costs
            counter.count = 0
            response = client.get(page.url)
            if response.status_code != 200:
                raise RuntimeError(f"{page.url} answered {response.status_code} in-process")
            counts[page.name] = counter.count
    finally:
        counter.close()
    return counts
