"""No input may hold a worker: every regular expression in portal/ runs in linear time.

The rule and its reasons are in portal/patterns.py. The check (tests/regex_linearity.py) finds
every pattern in the source and times it on long runs of its own characters with a failing
end; the last tests prove the check catches a quadratic and an exponential pattern.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import portal
from portal import patterns
from portal.referrals.forms import phone_problem, website_problem
from tests.regex_linearity import find_patterns, super_linear

PORTAL = Path(portal.__file__).parent
FOUND = find_patterns(PORTAL)


def test_the_check_sees_the_patterns_of_portal() -> None:
    where = {found.where.split(":")[0] for found in FOUND}
    # The user-input patterns, the content engine's, and one in a feature module.
    assert {"portal/patterns.py", "portal/content/search_text.py"} <= where
    assert "portal/notify/outbox.py" in where
    assert len(FOUND) >= 25


def test_every_pattern_can_be_read_from_the_source() -> None:
    unreadable = [found.where for found in FOUND if found.pattern is None]
    assert not unreadable, f"make these patterns literals or module constants: {unreadable}"


@pytest.mark.parametrize("found", FOUND, ids=[found.where for found in FOUND])
def test_pattern_runs_in_linear_time(found) -> None:
    assert found.pattern is not None
    verdict = super_linear(found.pattern, found.flags, found.modes)
    assert verdict is None, f"{found}: super-linear: {verdict}"


def test_user_input_patterns_live_in_portal_patterns() -> None:
    """Feature modules bring their user-input patterns from portal.patterns."""
    for path in ("referrals/forms.py", "referrals/service.py", "inbox/forms.py"):
        source = (PORTAL / path).read_text(encoding="utf-8")
        assert "re.compile(" not in source, f"{path}: put the pattern in portal/patterns.py"


def test_a_user_pattern_refuses_text_past_its_length_without_running() -> None:
    pattern = patterns.UserPattern(r"[0-9]+", max_length=5)
    assert pattern.fullmatch("12345")
    assert pattern.fullmatch("123456") is None
    assert pattern.match("123456") is None
    assert pattern.search("abcdef") is None
    with pytest.raises(patterns.TooLong):
        pattern.sub("", "123456")


def test_the_hostile_phone_number_is_refused_at_once() -> None:
    """The issue's example: "1", 16,000 spaces, "!" took 9 s; now it is a message."""
    hostile = "1" + " " * 16_000 + "!"
    started = time.process_time()
    problem = phone_problem(hostile)
    assert time.process_time() - started < 0.1
    assert problem == "Keep it under 50 characters."
    # Within the length the pattern is linear too: the same shape at 49 characters.
    assert phone_problem("1" + " " * 47 + "!") is not None
    assert phone_problem("+44 (0)20 7946 0958 ext. 12") is None
    assert phone_problem("020 7946 0958 x12") is None


def test_a_long_website_is_refused_before_it_is_parsed() -> None:
    started = time.process_time()
    assert website_problem("a." * 50_000 + "com") == "Keep it under 300 characters."
    assert time.process_time() - started < 0.1


# --- the check catches what it is for ------------------------------------------------------

OLD_PHONE = r"\+?[0-9 ().\-/]+(\s*(ext\.?|x)\s*[0-9]{1,6})?"


@pytest.mark.parametrize(
    ("pattern", "mode"),
    [
        (OLD_PHONE, "fullmatch"),  # quadratic: the class and \s* share the spaces
        (r"(a+)+$", "match"),  # exponential
        (r"\d+\d+x", "fullmatch"),  # two repetitions of the same class
        (r"[a-z]+[a-z0-9]*:", "scan"),  # quadratic only when scanned from every start
        (r"!?\[([^\]\n]*)\]\([^)\n]*\)", "scan"),  # the content engine's old link pattern
    ],
)
def test_the_check_flags_a_super_linear_pattern(pattern: str, mode: str) -> None:
    assert super_linear(pattern, re.IGNORECASE, frozenset({mode})) is not None


def test_a_quadratic_pattern_added_to_a_module_fails_the_check(tmp_path: Path) -> None:
    package = tmp_path / "fakeportal"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "contacts.py").write_text(
        "import re\n"
        "from wtforms.validators import Regexp\n\n"
        f"PHONE = re.compile({OLD_PHONE!r}, re.IGNORECASE)\n"
        "SLUG = re.compile(r'[a-z]+(?:-[a-z]+)*')\n"
        "FIELD = Regexp(r'(x+x+)+y')\n\n\n"
        "def ok(text):\n"
        "    return PHONE.fullmatch(text) and SLUG.fullmatch(text)\n"
    )
    found = {f.pattern: f for f in find_patterns(package)}
    assert found[OLD_PHONE].modes == {"fullmatch"}
    assert found[OLD_PHONE].flags == re.IGNORECASE
    assert found[OLD_PHONE].where == "fakeportal/contacts.py:4"
    assert found["(x+x+)+y"].modes == {"match"}  # WTForms' Regexp matches at the start
    flagged = {
        pattern
        for pattern, f in found.items()
        if super_linear(pattern, f.flags, f.modes) is not None
    }
    assert flagged == {OLD_PHONE, "(x+x+)+y"}
