"""Two reviewers deciding the same piece at once on PostgreSQL: exactly one decision counts.

Each thread has its own app context (session, connection), as two gunicorn workers would; a
barrier releases them together once both have begun a transaction. The row lock in
`lock_piece` makes the second wait, then see the piece decided and refuse.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role, User
from portal.comarketing import service
from portal.comarketing.models import ComarketingDecision, ComarketingPiece, DecisionKind
from portal.extensions import db
from tests.comarketing.factories import new_piece
from tests.conftest import TEST_DATABASE_URL, require

pytestmark = pytest.mark.usefixtures("real_commits")


@pytest.fixture
def db_backend() -> str:
    """Only PostgreSQL: SQLite cannot run two writers at once."""
    require(bool(TEST_DATABASE_URL), "concurrent writers need PostgreSQL: set TEST_DATABASE_URL")
    return "postgresql"


def test_approve_and_reject_at_once_leave_one_decision(app: Flask, make_org, make_user) -> None:
    partner = make_user(Role.PARTNER_USER, make_org(name="Race Partner"))
    staff_ids = [make_user(Role.STAFF, None).id for _ in range(2)]
    piece_id = new_piece(partner).id
    barrier = threading.Barrier(2, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def review(staff_id: int, kind: DecisionKind) -> None:
        with app.app_context():
            try:
                db.session.connection()
                barrier.wait()
                piece = service.lock_piece(piece_id)
                staff = db.session.get(User, staff_id)
                assert piece is not None and staff is not None
                service.decide(piece, staff, kind, "Decided in a race.")
                db.session.commit()
                result = kind.value
            except service.DecisionRefused:
                db.session.rollback()
                result = "refused"
            except BaseException as error:  # anything else fails the test below
                db.session.rollback()
                result = repr(error)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    kinds: list[Any] = [DecisionKind.APPROVED, DecisionKind.REJECTED]
    threads = [
        threading.Thread(target=review, args=pair) for pair in zip(staff_ids, kinds, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) in (["approved", "refused"], ["refused", "rejected"]), outcomes
    db.session.expire_all()
    piece = db.session.get(ComarketingPiece, piece_id)
    assert piece is not None and piece.status in ("approved", "rejected")
    decisions = db.session.scalars(
        sa.select(ComarketingDecision.kind).where(ComarketingDecision.piece_id == piece_id)
    ).all()
    assert sorted(decisions) == sorted(["submitted", piece.status])
