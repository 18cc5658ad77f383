"""Every text field of every form is bounded first (portal/bounds.py), so nothing reads more."""

from __future__ import annotations

import time

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, StringField
from wtforms.fields.core import UnboundField

from portal.bounds import MaxLength


def _forms() -> list[type[Form]]:
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return found


def _text_fields(form: type[Form]) -> dict[str, UnboundField]:
    """The fields a person types into: StringField and its kinds, hidden fields aside (the app
    writes those, and their readers bound them: `local_target`, the idempotency key's pattern)."""
    fields = {}
    for name in dir(form):
        value = getattr(form, name, None)
        if not isinstance(value, UnboundField):
            continue
        if issubclass(value.field_class, StringField) and not issubclass(
            value.field_class, HiddenField
        ):
            fields[name] = value
    return fields


def test_every_text_field_is_bounded_before_its_other_checks(app: Flask) -> None:
    forms = _forms()
    assert len(forms) > 15  # every feature's forms were imported by create_app
    unbounded = []
    for form in forms:
        for name, field in _text_fields(form).items():
            validators = field.kwargs.get("validators") or (
                field.args[1] if len(field.args) > 1 else []
            )
            bounds = [i for i, v in enumerate(validators) if isinstance(v, MaxLength)]
            if not bounds:
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not unbounded, f"give these fields a MaxLength (portal/bounds.py): {unbounded}"


def test_a_long_value_stops_at_the_length_check(app: Flask) -> None:
    """An e-mail address of 60,000 characters gets one message, and the parser never runs."""
    from portal.staff.forms import StaffInviteForm

    with app.test_request_context(method="POST", data={"email": "a@" + "b" * 60_000 + ".com"}):
        form = StaffInviteForm()
        started = time.process_time()
        assert not form.validate()
        assert time.process_time() - started < 0.05
    assert form.email.errors == ["Field cannot be longer than 254 characters."]
