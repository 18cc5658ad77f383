"""Health checks."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from portal.database_outage import database_lost, note_database_lost
from portal.extensions import db


def database_reachable() -> bool:
    """True when a trivial query succeeds on the configured database.

    A lost database is logged once per outage (portal/database_outage.py), however often the
    load balancer asks; any other failure is logged each time.
    """
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        if isinstance(error, DBAPIError) and database_lost(error):
            note_database_lost(error)
        else:
            current_app.logger.error("health check: database query failed: %s", error)
        return False
    return True
