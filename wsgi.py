"""WSGI entry point: `gunicorn wsgi:app` in production, `flask run` in development."""

import sys

from portal import create_app
from portal.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # One line for the operator instead of a traceback. Exit status 4 is gunicorn's "App failed
    # to load", which stops gunicorn rather than restarting the worker for ever.
    print(f"Error: {error}", file=sys.stderr)
    raise SystemExit(4) from None
