"""Co-branded templates: only the allow-listed variables, refused statically and at render."""

from __future__ import annotations

import pytest
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, UndefinedError

from portal.content import load_content
from portal.content.cobrand import (
    ALLOWED_FIELDS,
    ALLOWED_VARIABLES,
    CobrandContext,
    CobrandEnvironment,
    CobrandError,
    render_cobranded,
    template_problems,
)
from portal.content.library import KitTemplate
from tests.content.conftest import FIXTURE_CONTENT

ACME = CobrandContext(
    partner_name="<b>Acme & Co</b>",
    partner_website="https://acme.example/?a=1&b=2",
    user_name="Ada O'Neil",
    user_title="Alliances lead",
    kit_title="Webinar kit",
    kit_summary="Run a webinar.",
    program_vendor="Testwind",
    program_name="Testwind Partner Program",
)


def template(body: str, template_format: str = "text") -> KitTemplate:
    return KitTemplate("t", "T", template_format, body, "kits/k/templates/t.md")


def test_allowed_variables_are_the_documented_ones() -> None:
    assert ALLOWED_VARIABLES == (
        "partner.name",
        "partner.website",
        "user.name",
        "user.title",
        "kit.title",
        "kit.summary",
        "program.vendor",
        "program.name",
    )
    assert set(ALLOWED_FIELDS) == {"partner", "user", "kit", "program"}


def test_every_allowed_variable_renders() -> None:
    body = " | ".join(f"{{{{ {name} }}}}" for name in ALLOWED_VARIABLES) + "\n"
    assert template_problems(body) == []
    assert render_cobranded(template(body), ACME) == (
        "<b>Acme & Co</b> | https://acme.example/?a=1&b=2 | Ada O'Neil | Alliances lead | "
        "Webinar kit | Run a webinar. | Testwind | Testwind Partner Program\n"
    )


def test_item_syntax_and_text_filters_are_allowed() -> None:
    body = "{{ partner['name']|upper }} {{ user.title|default('Partner', true) }}"
    assert template_problems(body) == []
    quiet = CobrandContext("Acme", "Ada", "K", "S", "V", "P")
    assert render_cobranded(template(body), quiet) == "ACME Partner"


def test_macros_conditions_and_sets_work() -> None:
    body = (
        "{% macro sign(name) %}-- {{ name }}{% endmacro %}"
        "{% set who = user.name %}{% if partner.website %}{{ partner.website }} {% endif %}"
        "{{ sign(who) }}"
    )
    assert template_problems(body) == []
    assert render_cobranded(template(body), ACME) == "https://acme.example/?a=1&b=2 -- Ada O'Neil"


# --- escaping ---------------------------------------------------------------------------------


def test_html_templates_escape_the_context() -> None:
    body = '<p>From <a href="{{ partner.website }}">{{ partner.name }}</a>, {{ user.name }}</p>'
    assert render_cobranded(template(body, "html"), ACME) == (
        '<p>From <a href="https://acme.example/?a=1&amp;b=2">&lt;b&gt;Acme &amp; Co&lt;/b&gt;</a>,'
        " Ada O&#39;Neil</p>"
    )


def test_text_templates_keep_the_context_verbatim() -> None:
    assert render_cobranded(template("Hi from {{ partner.name }}"), ACME) == (
        "Hi from <b>Acme & Co</b>"
    )


def test_fixture_templates_render_for_a_partner() -> None:
    index = load_content(FIXTURE_CONTENT)
    invite = index.kits["webinar-in-a-box"].template("invite")
    text = render_cobranded(invite, ACME)
    assert "<b>Acme & Co</b> and Testwind invite you" in text
    assert "Ada O'Neil, Alliances lead" in text
    landing = index.kits["reseller-pricing-sheet"].template("landing")
    assert "&lt;b&gt;Acme &amp; Co&lt;/b&gt;" in render_cobranded(landing, ACME)


# --- refusals ---------------------------------------------------------------------------------

REFUSED = [
    ("{{ __class__ }}", "unknown variable '__class__'"),
    ("{{ config }}", "unknown variable 'config'"),
    ("{{ config.SECRET_KEY }}", "'config.SECRET_KEY' is not a template variable"),
    ("{{ request.environ }}", "'request.environ' is not a template variable"),
    ("{{ self }}", "'self' is refused"),
    ("{{ self._TemplateReference__context }}", "is refused: templates cannot reach names"),
    ("{{ partner.__dict__ }}", "'partner.__dict__' is refused: templates cannot reach names"),
    ("{{ partner['__class__'] }}", "is refused: templates cannot reach names starting '_'"),
    ("{{ partner.items() }}", "'partner.items' is not a template variable"),
    ("{{ partner.keys }}", "'partner.keys' is not a template variable"),
    ("{{ user.email }}", "'user.email' is not a template variable"),
    ("{{ user.password }}", "'user.password' is not a template variable"),
    ("{{ partner.name.__class__ }}", "'partner.name.__class__' is refused"),
    ("{{ ''.__class__.__mro__ }}", "is refused: templates cannot reach names starting '_'"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "is refused: templates cannot reach"),
    ("{{ partner.name.format(x=1) }}", "'partner.name.format' is not a template variable"),
    ("{{ partner.name.upper() }}", "'partner.name.upper' is not a template variable"),
    ("{{ partner.name() }}", "'partner.name(...)': only macros may be called"),
    ("{{ partner }}", "'partner' on its own is not allowed: use partner.name or partner.website"),
    ("{% for k in user %}{{ k }}{% endfor %}", "'user' on its own is not allowed"),
    ("{{ range(10) }}", "unknown variable 'range'"),
    ("{{ lipsum() }}", "unknown variable 'lipsum'"),
    ("{{ cycler('a') }}", "unknown variable 'cycler'"),
    ("{{ joiner() }}", "unknown variable 'joiner'"),
    ("{{ namespace(a=1) }}", "unknown variable 'namespace'"),
    ("{{ dict(a=1) }}", "unknown variable 'dict'"),
    ("{{ partner.name|safe }}", "the 'safe' filter is not allowed"),
    ("{{ partner.name|attr('__class__') }}", "the 'attr' filter is not allowed"),
    ("{{ partner.name|map(attribute='x')|list }}", "the 'map' filter is not allowed"),
    ("{% autoescape false %}{{ partner.name }}{% endautoescape %}", "autoescape blocks are not"),
    ("{% include 'other.html' %}", "templates cannot include, import or extend"),
    ("{% extends 'base.html' %}", "templates cannot include, import or extend"),
    ("{% import 'macros.html' as m %}", "templates cannot include, import or extend"),
    ("{% set p = partner %}{{ p.name }}", "'p.name' is not a template variable"),
    ("{{ 'x' * 100000 }}", "template error: refused by the sandbox: the template repeats text"),
    ("{{ 9 ** 9 }}", "template error: refused by the sandbox: powers are not allowed"),
    ("{{ contact_first_name }}", "unknown variable 'contact_first_name'"),
]


@pytest.mark.parametrize(("body", "why"), REFUSED)
@pytest.mark.parametrize("template_format", ["text", "html"])
def test_refused_statically_and_never_rendered(body: str, why: str, template_format: str) -> None:
    problems = template_problems(body, template_format)
    assert problems, body
    assert any(why in message for _, message in problems), problems
    with pytest.raises(CobrandError):
        render_cobranded(template(body, template_format), ACME)


def test_problems_carry_their_line_and_all_are_reported() -> None:
    body = "Hello,\n\n{{ config }}\nfine {{ partner.name }}\n{{ user.email }} {{ self }}\n"
    problems = template_problems(body)
    assert [line for line, _ in problems] == [3, 5, 5]
    assert problems[0][1].startswith("unknown variable 'config' (allowed: partner.name, ")


def test_syntax_error_has_its_line() -> None:
    assert template_problems("one\ntwo {{ partner.name }\nthree") == [
        (2, "template syntax error: unexpected '}'")
    ]


def test_unknown_filter_does_not_hide_other_problems() -> None:
    problems = template_problems("{{ partner.name|shout }}\n{{ user.secret }}")
    assert [line for line, _ in problems] == [1, 2]
    assert problems[0][1].startswith("the 'shout' filter is not allowed in co-branded templates")


def test_runtime_failure_found_by_rendering_a_sample() -> None:
    assert template_problems("a\n{{ partner.name ~ (1 / 0) }}") == [
        (2, "template error: division by zero")
    ]
    with pytest.raises(CobrandError, match="division by zero"):
        render_cobranded(template("{{ 1 / 0 }}"), ACME)


def test_cobrand_error_names_the_template() -> None:
    with pytest.raises(CobrandError, match=r"^kits/k/templates/t.md: line 1: unknown variable"):
        render_cobranded(template("{{ config }}"), ACME)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(CobrandError, match="unknown template format 'pdf'"):
        render_cobranded(template("x", "pdf"), ACME)


# --- the environment on its own (the second layer) --------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{{ partner.__dict__ }}", SecurityError),
        ("{{ partner['__class__'] }}", SecurityError),
        ("{{ ''.__class__ }}", SecurityError),
        ("{{ partner.name.upper() }}", SecurityError),
        ("{{ partner.items() }}", SecurityError),  # calling anything but a macro
        ("{{ user.email }}", UndefinedError),
        ("{{ config }}", UndefinedError),
        ("{{ request.args }}", UndefinedError),
        ("{{ range }}", UndefinedError),
        ("{{ range(3) }}", SecurityError),
        ("{{ lipsum() }}", SecurityError),
        ("{{ 2 ** 8 }}", SecurityError),
    ],
)
def test_the_sandbox_alone_refuses(body: str, error: type[Exception]) -> None:
    env = CobrandEnvironment(autoescape=True)
    assert env.globals == {}
    assert isinstance(env.undefined, type) and issubclass(env.undefined, StrictUndefined)
    with pytest.raises(error):
        env.from_string(body).render(ACME.variables())


def test_the_sandbox_resolves_only_plain_dict_keys() -> None:
    env = CobrandEnvironment(autoescape=False)
    assert env.from_string("{{ partner.name }}/{{ user['title'] }}").render(ACME.variables()) == (
        "<b>Acme & Co</b>/Alliances lead"
    )
    assert "safe" not in env.filters and "attr" not in env.filters


# --- the context ------------------------------------------------------------------------------


def test_context_turns_none_into_empty_text() -> None:
    context = CobrandContext(
        "Acme", "Ada", "K", "S", "V", "P", partner_website=None, user_title=None
    )
    assert context.variables()["partner"] == {"name": "Acme", "website": ""}
    assert context.variables()["user"] == {"name": "Ada", "title": ""}


def test_context_refuses_non_text() -> None:
    with pytest.raises(TypeError, match="partner_name must be text"):
        CobrandContext(object(), "Ada", "K", "S", "V", "P")  # type: ignore[arg-type]
