"""Health checks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db


def database_reachable() -> bool:
    """True when a trivial query succeeds on the configured database."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
