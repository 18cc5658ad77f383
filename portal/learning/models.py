"""Quiz attempts, completed modules and certifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class QuizAttempt(Model):
    """One attempt at a module's quiz, pinned to the content it was drawn from."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.Index("ix_quiz_attempts_user_module", "user_id", "path_id", "module_id", "started_at"),
        # At most one open (unsubmitted) attempt per learner and module, decided by the
        # database so two simultaneous "start" clicks cannot open two attempts.
        sa.Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "path_id",
            "module_id",
            unique=True,
            sqlite_where=sa.text("submitted_at IS NULL"),
            postgresql_where=sa.text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    path_id: Mapped[str] = mapped_column(sa.String(100))
    module_id: Mapped[str] = mapped_column(sa.String(100))
    content_version: Mapped[str] = mapped_column(sa.String(64))
    quiz_version: Mapped[str] = mapped_column(sa.String(64))
    # [{"id": question id, "choices": [choice keys in display order]}, ...] in display order.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)
    results: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON)
    # What a graded attempt showed, as graded: each question's prompt, explanation and choices
    # (text, correct, explanation, chosen), so history never depends on today's content.
    # portal.learning.history.snapshot writes it; None for ungraded and older attempts.
    snapshot: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    score: Mapped[int | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ModuleCompletion(Model):
    """A module passed (its quiz, or read when it has none). Renewal adds new rows."""

    __tablename__ = "module_completions"
    __table_args__ = (sa.Index("ix_module_completions_user_path", "user_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    path_id: Mapped[str] = mapped_column(sa.String(100))
    module_id: Mapped[str] = mapped_column(sa.String(100))
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz_attempts.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certification(Model):
    __tablename__ = "certifications"
    __table_args__ = (sa.Index("ix_certifications_user_path", "user_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    path_id: Mapped[str] = mapped_column(sa.String(100))
    # A snapshot: renaming the certificate in content does not rewrite issued ones.
    certificate_name: Mapped[str] = mapped_column(sa.String(200))
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
