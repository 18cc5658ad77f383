"""Account forms: sign in, accept an invitation, reset a password, invite a colleague."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Optional, ValidationError

from portal.accounts.credentials import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    InvalidEmail,
    normalise_email,
    password_problem,
)
from portal.accounts.models import Role
from portal.bounds import MaxLength
from portal.form_fields import ALWAYS_CHOSEN, SelectChoice

PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters, not only digits, and not your e-mail address."
)
PARTNER_ROLE_CHOICES = [
    SelectChoice(Role.PARTNER_USER.value, "Partner user"),
    SelectChoice(Role.PARTNER_ADMIN.value, "Partner admin (can invite colleagues)"),
]


def _valid_email(form: FlaskForm, field: Field) -> None:
    """Check the syntax and keep the normalised address (stripped, lower-case)."""
    if not field.data:
        return
    try:
        field.data = normalise_email(field.data)
    except InvalidEmail as exc:
        raise ValidationError(str(exc)) from exc


class NewPasswordForm(FlaskForm):
    """A new password typed twice, checked against the password rules."""

    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Choose a password."),
            MaxLength(
                MAX_PASSWORD_LENGTH, message=f"Use at most {MAX_PASSWORD_LENGTH} characters."
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(message="Type the password again."),
            MaxLength(
                MAX_PASSWORD_LENGTH, message=f"Use at most {MAX_PASSWORD_LENGTH} characters."
            ),
            EqualTo("password", message="The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field: Field) -> None:
        """Apply the password rules (length, not only digits, not the e-mail)."""
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    """E-mail and password, with an optional long-lived "remember me" cookie."""

    email = EmailField(
        "E-mail",
        validators=[DataRequired(message="Enter your e-mail address."), MaxLength(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password."), MaxLength(256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Remember me on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")


class LoginEmailForm(FlaskForm):
    """The login page's first step when single sign-on is configured: the e-mail alone."""

    email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Enter your e-mail address."),
            MaxLength(254),
            _valid_email,
        ],
        render_kw={"autocomplete": "username"},
    )
    next = HiddenField()
    submit = SubmitField("Continue")


class AcceptInviteForm(NewPasswordForm):
    """The invited person's name, optional job title and password."""

    name = StringField(
        "Your name",
        validators=[DataRequired(message="Enter your name."), MaxLength(200)],
        render_kw={"autocomplete": "name"},
    )
    job_title = StringField(
        "Job title (optional)",
        validators=[Optional(), MaxLength(200)],
        render_kw={"autocomplete": "organization-title"},
    )
    submit = SubmitField("Create my account")


class ResetRequestForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Enter your e-mail address."),
            MaxLength(254),
            _valid_email,
        ],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Send reset link")


class ResetPasswordForm(NewPasswordForm):
    """The new password chosen from a reset link."""

    submit = SubmitField("Set new password")


class TeamInviteForm(FlaskForm):
    """A colleague to invite into the partner admin's own organisation."""

    email = EmailField(
        "Colleague's e-mail",
        validators=[
            DataRequired(message="Enter your colleague's e-mail address."),
            MaxLength(254),
            _valid_email,
        ],
    )
    role = SelectField(
        "Role",
        choices=PARTNER_ROLE_CHOICES,
        default=Role.PARTNER_USER.value,
        validators=[DataRequired(message="Choose a role.")],
        render_kw=ALWAYS_CHOSEN,
    )
    submit = SubmitField("Send invitation")
