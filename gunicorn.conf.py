"""Read by gunicorn from the working directory: check the settings before any worker starts.

A configuration error (ConfigError is a RuntimeError) then stops gunicorn with the one line
`Error: ...`, instead of every worker failing to boot with a traceback.
"""

from portal.prerequisites import check_environment


def on_starting(server: object) -> None:
    """Refuse to start on a configuration error (missing SECRET_KEY, absent backend client...)."""
    check_environment()
