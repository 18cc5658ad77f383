"""Co-marketing pieces for tests: submitted through the feature's own rules."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import User
from portal.comarketing import service
from portal.comarketing.models import ComarketingPiece
from portal.content_runtime import current_content
from portal.extensions import db
from portal.kits.api import current_uploads

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def new_piece(
    user: User,
    *,
    title: str = "Spring webinar invitation",
    data: bytes | None = PDF,
    url: str | None = None,
    file_name: str = "invite.pdf",
) -> ComarketingPiece:
    """A piece awaiting review, its first version a file (or `url`); committed."""
    upload = service.check_upload(data, file_name, 1024 * 1024) if url is None and data else None
    piece = service.submit_piece(
        user,
        service.Submission(
            title=title,
            channel="email",
            planned_on=date(2027, 3, 1),
            kit_id=None,
            upload=upload,
            url=url,
        ),
        current_content().program,
        current_uploads(),
    )
    db.session.commit()
    return piece


def new_piece_ids(user: User) -> dict[str, int]:
    """The access world's piece: its id and its first version's id."""
    piece = new_piece(user)
    version = db.session.scalar(
        db.select(service.ComarketingVersion).where(service.ComarketingVersion.piece_id == piece.id)
    )
    assert version is not None
    return {"piece_id": piece.id, "piece_version_id": version.id}
