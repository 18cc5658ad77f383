"""`flask users create-admin EMAIL`."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.extensions import db

STRONG = "an admin password that is long"


def _admin(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_admin_with_prompts(runner, client, auth):
    result = runner.invoke(
        args=["users", "create-admin", "Root@Vendor.example"],
        input=f"Rita Root\n{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin root@vendor.example" in result.output
    user = _admin("root@vendor.example")
    assert user.role == Role.ADMIN
    assert user.organization_id is None
    assert user.name == "Rita Root"
    assert auth.login("root@vendor.example", STRONG).status_code == 302


def test_create_admin_for_scripts(runner):
    result = runner.invoke(
        args=["users", "create-admin", "ops@vendor.example", "--name", "Ops", "--password-stdin"],
        input=f"{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert _admin("ops@vendor.example").check_password(STRONG)


def test_create_admin_refuses_an_existing_email(runner, staff_user):
    result = runner.invoke(
        args=["users", "create-admin", staff_user.email, "--name", "X", "--password-stdin"],
        input=f"{STRONG}\n",
    )
    assert result.exit_code == 1
    assert "already has an account" in result.output
    assert _admin(staff_user.email).role == Role.STAFF


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["users", "create-admin", "weak@vendor.example", "--name", "W", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "Use at least 12 characters." in result.output
    assert _admin("weak@vendor.example") is None


def test_create_admin_refuses_a_bad_email(runner):
    result = runner.invoke(
        args=["users", "create-admin", "not-an-email", "--name", "W", "--password-stdin"],
        input=f"{STRONG}\n",
    )
    assert result.exit_code == 1
    assert "Enter a valid e-mail address." in result.output


def test_create_admin_prompt_asks_again_on_mismatch(runner):
    result = runner.invoke(
        args=["users", "create-admin", "twice@vendor.example", "--name", "T"],
        input=f"{STRONG}\nsomething else\n{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert _admin("twice@vendor.example") is not None
