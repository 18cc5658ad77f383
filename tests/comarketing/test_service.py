"""The rules of a piece as plain calls: SLA, versions, decisions, references, audit, e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.comarketing import listing, service
from portal.comarketing.models import (
    ComarketingDecision,
    ComarketingVersion,
    DecisionKind,
    PieceStatus,
)
from portal.content_runtime import current_content
from portal.extensions import db
from portal.kits.api import current_uploads
from portal.notify.models import OutboxMessage
from tests.comarketing.factories import PNG, new_piece


def _audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _decide(piece_id: int, staff, kind: DecisionKind, comment: str = "") -> None:
    piece = service.lock_piece(piece_id)
    assert piece is not None
    service.decide(piece, staff, kind, comment)
    db.session.commit()


def test_a_submitted_piece_is_due_after_the_program_approval_hours(partner_user) -> None:
    piece = new_piece(partner_user)
    hours = current_content().program.governance.approval_hours
    assert piece.status == PieceStatus.SUBMITTED
    assert piece.due_at - piece.submitted_at == timedelta(hours=hours)
    assert _audit_actions() == ["comarketing.submitted"]


def test_changes_then_new_version_then_approval_keeps_every_version(
    partner_user, staff_user
) -> None:
    piece = new_piece(partner_user)
    _decide(piece.id, staff_user, DecisionKind.CHANGES_REQUESTED, "Use the new logo.")
    assert piece.status == PieceStatus.CHANGES_REQUESTED
    first_due = piece.due_at

    locked = service.lock_piece(piece.id, partner_user.organization_id)
    assert locked is not None
    upload = service.check_upload(PNG, "banner.png", 1024)
    service.add_version(
        locked, partner_user, upload, None, "Logo swapped.", current_content().program,
        current_uploads(),
    )  # fmt: skip
    db.session.commit()
    assert piece.status == PieceStatus.SUBMITTED and piece.version_count == 2
    assert piece.due_at > first_due  # the review clock starts again

    _decide(piece.id, staff_user, DecisionKind.APPROVED)
    assert piece.status == PieceStatus.APPROVED
    assert re.fullmatch(
        r"CM-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", piece.approval_reference
    )

    versions = db.session.scalars(
        sa.select(ComarketingVersion).where(ComarketingVersion.piece_id == piece.id)
    ).all()
    assert sorted((v.number, v.media_type) for v in versions) == [
        (1, "application/pdf"),
        (2, "image/png"),
    ]
    kinds = [e.kind for e in listing.timeline_of(piece).entries]
    assert kinds == ["submitted", "changes_requested", "new_version", "approved"]
    assert _audit_actions() == [
        "comarketing.submitted",
        "comarketing.changes_requested",
        "comarketing.new_version",
        "comarketing.approved",
    ]
    mails = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.to_email for m in mails] == [partner_user.email, partner_user.email]
    assert piece.approval_reference in mails[-1].body_text
    assert piece.approval_reference in mails[-1].body_html
    assert "Use the new logo." in mails[0].body_text


def test_a_decided_piece_cannot_be_decided_again(partner_user, staff_user) -> None:
    piece = new_piece(partner_user)
    _decide(piece.id, staff_user, DecisionKind.REJECTED, "Off brand.")
    with pytest.raises(service.DecisionRefused, match="no longer awaiting review"):
        _decide(piece.id, staff_user, DecisionKind.APPROVED)
    assert piece.status == PieceStatus.REJECTED and piece.approval_reference is None


def test_changes_and_rejections_need_a_comment(partner_user, staff_user) -> None:
    piece = new_piece(partner_user)
    with pytest.raises(service.DecisionRefused):
        _decide(piece.id, staff_user, DecisionKind.REJECTED, "  ")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComarketingDecision)) == 1


def test_a_new_version_needs_a_request_for_changes(partner_user) -> None:
    piece = new_piece(partner_user)
    locked = service.lock_piece(piece.id, partner_user.organization_id)
    assert locked is not None
    with pytest.raises(service.DecisionRefused):
        service.add_version(
            locked, partner_user, None, "https://example.com", "", current_content().program,
            current_uploads(),
        )  # fmt: skip


def test_another_organisation_cannot_lock_the_piece(partner_user, other_partner) -> None:
    piece = new_piece(partner_user)
    assert service.lock_piece(piece.id, other_partner.organization_id) is None


def test_references_are_unique_and_quotable() -> None:
    references = {service.approval_reference(2026) for _ in range(200)}
    assert len(references) == 200
    assert all(r.startswith("CM-2026-") and len(r) == 17 for r in references)


def test_the_queue_pages_by_due_time_in_one_statement(
    partner_user, staff_user, count_queries
) -> None:
    pieces = [new_piece(partner_user, title=f"Piece {i}") for i in range(3)]
    _decide(pieces[1].id, staff_user, DecisionKind.APPROVED)
    with count_queries() as queries:
        page = listing.queue_page(PieceStatus.SUBMITTED, None)
    assert [row.piece.title for row in page.rows] == ["Piece 0", "Piece 2"]
    assert queries.count == 1
    approved = listing.queue_page(PieceStatus.APPROVED, None)
    assert [row.piece.id for row in approved.rows] == [pieces[1].id]
