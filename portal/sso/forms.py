"""The identity provider settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from portal.bounds import MaxLength
from portal.sso.domains import DOMAINS_INPUT_MAX
from portal.sso.settings import CLIENT_ID_MAX, ISSUER_MAX, SECRET_MAX


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ProviderForm(FlaskForm):
    """Issuer, client, domains and the switches; a blank secret keeps the stored one."""

    issuer = StringField(
        "Issuer URL",
        filters=[_strip],
        validators=[Optional(), MaxLength(ISSUER_MAX)],
        description="e.g. https://login.example.com/realms/partners — its configuration is "
        "read from /.well-known/openid-configuration under it.",
    )
    client_id = StringField(
        "Client id", filters=[_strip], validators=[Optional(), MaxLength(CLIENT_ID_MAX)]
    )
    client_secret = PasswordField(
        "Client secret",
        validators=[Optional(), MaxLength(SECRET_MAX)],
        render_kw={"autocomplete": "off"},
    )
    domains = TextAreaField(
        "E-mail domains",
        validators=[Optional(), MaxLength(DOMAINS_INPUT_MAX)],
        description="One per line (or separated by commas): addresses at these domains sign "
        "in through this provider.",
        render_kw={"rows": 3},
    )
    enabled = BooleanField("Single sign-on is on")
    jit_provisioning = BooleanField(
        "Create an account on first sign-in (otherwise an invitation is needed)"
    )
    password_login_disabled = BooleanField("Turn password sign-in off for this organisation")
    submit = SubmitField("Save settings")
