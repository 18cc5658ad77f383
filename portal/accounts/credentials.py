"""Credential rules: e-mail syntax, password strength and link tokens (no database)."""

from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "InvalidToken",
    "WeakPassword",
    "check_password_rules",
    "hash_token",
    "new_token",
    "normalise_email",
    "password_problem",
]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class AccountError(ValueError):
    """A request the account rules refuse; the message is written for the person asking."""


class InvalidEmail(AccountError):
    """The text is not an e-mail address."""


class EmailInUse(AccountError):
    """Someone already signs in with this e-mail address."""


class WeakPassword(AccountError):
    """The password breaks a password rule."""


class InvalidToken(AccountError):
    """An invitation or reset link that is unknown, expired or already used."""


# --- e-mail addresses and passwords ----------------------------------------------------------


def normalise_email(raw: str) -> str:
    """Strip and lower-case an e-mail address after checking its syntax (no DNS lookups)."""
    email = (raw or "").strip().lower()
    if not email:
        raise InvalidEmail("Enter an e-mail address.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"Enter a valid e-mail address. {exc}") from exc
    return email


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, or None when it follows the rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.isdigit():
        return "Use more than digits: add letters or symbols."
    if email and password.strip().lower() == email.strip().lower():
        return "Do not use your e-mail address as your password."
    return None


# --- tokens -------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random URL-safe token and the SHA-256 hex digest that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The stored form of a token: a database leak does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str, email: str) -> None:
    """Raise WeakPassword with the reason when the password breaks a rule."""
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)
