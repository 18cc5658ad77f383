"""portal/form_fields.FilterForm: every list reads its filters from the query string one way."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.validators import Optional

from portal.form_fields import FilterForm, SelectChoice
from portal.ids import IdField


class ColourFilter(FilterForm):
    colour = SelectField(
        "Colour",
        choices=[SelectChoice("", "Any"), SelectChoice("red"), SelectChoice("blue")],
        default="",
        validators=[Optional()],
    )
    after = IdField("Continue after", validators=[Optional()])


def _read(app: Flask, **args: str) -> ColourFilter:
    with app.test_request_context():
        form = ColourFilter(formdata=MultiDict(args))
        form.validate()
        return form


def test_a_filter_form_needs_no_csrf_token(app: Flask) -> None:
    form = _read(app, colour="red")
    assert form.status_code == 200
    assert "csrf_token" not in form


def test_only_filters_with_a_value_apply(app: Flask) -> None:
    assert _read(app, colour="red", after="7").applied("colour") == {"colour": "red"}
    assert _read(app, colour="").applied("colour") == {}
    assert _read(app).applied("colour", "after") == {}


def test_the_cursor_is_read_like_a_filter(app: Flask) -> None:
    assert _read(app, after="7").value("after") == 7
    assert _read(app).value("after", 1) == 1


@pytest.mark.parametrize("args", [{"colour": "green"}, {"colour": "red", "after": "-1"}])
def test_one_refused_filter_applies_none_and_answers_422(app: Flask, args) -> None:
    form = _read(app, **args)
    assert form.status_code == 422
    assert form.applied("colour", "after") == {}
    assert form.value("after") is None
