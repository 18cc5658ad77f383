"""Co-branded templates: only the allow-listed variables, refused statically and at render."""

from __future__ import annotations

import dataclasses
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, UndefinedError

from portal.content import cobrand, load_content
from portal.content.cobrand import (
    ALLOWED_FIELDS,
    ALLOWED_VARIABLES,
    FIELD_MAX_LENGTHS,
    LONGEST_CONTEXT,
    CobrandContext,
    CobrandEnvironment,
    CobrandError,
    render_cobranded,
    template_problems,
)
from portal.content.library import KitTemplate
from portal.content_cli import content_cli
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy

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


def test_conditions_and_concatenation_work() -> None:
    body = (
        "{% if partner.website %}{{ partner.website }}{% elif user.title %}{{ user.title }}"
        "{% else %}-{% endif %} {{ '-- ' ~ user.name ~ ', ' ~ partner.name|upper }}"
    )
    assert template_problems(body) == []
    assert render_cobranded(template(body), ACME) == (
        "https://acme.example/?a=1&b=2 -- Ada O'Neil, <B>ACME & CO</B>"
    )
    quiet = CobrandContext("Acme", "Ada", "K", "S", "V", "P")
    assert render_cobranded(template(body), quiet) == "- -- Ada, ACME"


def test_bounded_filters_within_their_sizes_work() -> None:
    body = (
        "{{ partner.name|center(200)|trim }}|{{ user.name|indent(2, true) }}|"
        "{{ kit.summary|wordwrap(8, wrapstring='/') }}|{{ kit.title|truncate(8, leeway=0) }}|"
        "{{ user.name|indent('> ', first=true) }}|{{ partner.website|urlize(20) }}"
    )
    assert template_problems(body) == []
    assert template_problems(body, "html") == []
    assert render_cobranded(template(body), ACME) == (
        "<b>Acme & Co</b>|  Ada O'Neil|Run a/webinar.|Webin...|> Ada O'Neil|"
        '<a href="https://acme.example/?a=1&amp;b=2" rel="noopener">https://acme.example...</a>'
    )


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
    ("{% for k in user %}{{ k }}{% endfor %}", "{% for %} loops cannot be used"),
    ("{{ 'x' * 100000 }}", "arithmetic ('*') is not allowed in co-branded templates"),
    ("{{ 9 ** 9 }}", "arithmetic ('**') is not allowed in co-branded templates"),
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
    assert template_problems("a\n{{ partner.name|wordwrap(0) }}") == [
        (2, "template error: invalid width 0 (must be > 0)")
    ]
    with pytest.raises(CobrandError, match=r"invalid width 0"):
        render_cobranded(template("{{ partner.name|wordwrap(0) }}"), ACME)


def test_cobrand_error_names_the_template() -> None:
    with pytest.raises(CobrandError, match=r"^kits/k/templates/t.md: line 1: unknown variable"):
        render_cobranded(template("{{ config }}"), ACME)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(CobrandError, match="unknown template format 'pdf'"):
        render_cobranded(template("x", "pdf"), ACME)


# --- resource bounds --------------------------------------------------------------------------

ONLY_IF = "cannot be used in co-branded templates (only {% if %}, {% elif %} and {% else %})"
TOO_MUCH_TEXT = "the template could produce more than 200 KB of text (counting every field at"
TOO_COMPLEX = "template is too large or too deeply nested to check"


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("{% for c in partner.name %}{{ c }}{% endfor %}", "{% for %} loops"),
        ("{% macro m() %}{{ partner.name }}{% endmacro %}", "{% macro %}"),
        ("{% call m() %}x{% endcall %}", "{% call %} blocks"),
        ("{% filter upper %}{{ partner.name }}{% endfilter %}", "{% filter %} blocks"),
        ("{% set n = partner.name %}", "{% set %}"),
        ("{% set n %}{{ partner.name }}{% endset %}", "{% set %}"),
        ("{% with n = partner.name %}{{ n }}{% endwith %}", "{% with %} blocks"),
    ],
)
def test_only_if_statements_are_allowed(body: str, statement: str) -> None:
    problems = template_problems("Hello,\n" + body)
    assert (2, f"{statement} {ONLY_IF}") in problems
    with pytest.raises(CobrandError):
        render_cobranded(template(body), ACME)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "%", "**"])
def test_arithmetic_is_refused(op: str) -> None:
    body = f"Hello,\n{{{{ partner.name|length {op} 2 }}}}"
    assert template_problems(body) == [
        (2, f"arithmetic ('{op}') is not allowed in co-branded templates (join text with ~)")
    ]
    with pytest.raises(CobrandError, match="arithmetic"):
        render_cobranded(template(body), ACME)


@pytest.mark.parametrize(
    ("call", "why"),
    [
        ("center(201)", "the 'center' filter's width must be a number from 0 to 200, written"),
        ("center(200000000)", "the 'center' filter's width must be a number from 0 to 200"),
        ("center(width=9999)", "the 'center' filter's width must be a number from 0 to 200"),
        ("center(10, width=9999)", "the 'center' filter's width must be a number from 0 to 200"),
        ("center(-1)", "the 'center' filter's width must be"),
        ("center(2.5)", "the 'center' filter's width must be"),
        ("center(true)", "the 'center' filter's width must be"),
        ("center(none)", "the 'center' filter's width must be"),
        ("center(user.name|length)", "the 'center' filter's width must be"),
        ("indent(201)", "the 'indent' filter's width must be a number from 0 to 200 or a text"),
        (f"indent('{' ' * 201}')", "the 'indent' filter's width must be a number from 0 to 200"),
        ("indent(user.title)", "the 'indent' filter's width must be"),
        ("wordwrap(100000)", "the 'wordwrap' filter's width must be a number from 0 to 200"),
        ("truncate(100000)", "the 'truncate' filter's length must be a number from 0 to 200"),
        ("truncate(10, false, '...', 100000)", "the 'truncate' filter's leeway must be"),
        ("truncate(10, leeway=100000)", "the 'truncate' filter's leeway must be"),
        ("urlize(100000)", "the 'urlize' filter's trim_url_limit must be a number from 0"),
        ("center(*[200000000])", "the 'center' filter must be given its arguments one by one"),
        ("replace(**{'old': 'a', 'new': 'b'})", "the 'replace' filter must be given its"),
    ],
)
def test_filter_sizes_are_written_out_and_small(call: str, why: str) -> None:
    body = f"Hello,\n{{{{ partner.name|{call} }}}}"
    problems = template_problems(body)
    assert problems and all(line == 2 for line, _ in problems), problems
    assert any(message.startswith(why) for _, message in problems), problems
    with pytest.raises(CobrandError):
        render_cobranded(template(body), ACME)


def test_tests_take_no_star_arguments() -> None:
    assert template_problems("{% if partner.name is sameas(*[1]) %}x{% endif %}") == [
        (1, "the 'sameas' test must be given its arguments one by one")
    ]


def test_template_source_is_at_most_64_kb() -> None:
    assert template_problems("x" * 64 * 1024) == []
    too_large = "x" * (64 * 1024 + 1)
    assert template_problems(too_large) == [(1, "template is too large (65 KB; at most 64 KB)")]
    # Counted in bytes of UTF-8: 40,000 'é' are 80,000 bytes.
    assert template_problems("é" * 40_000) == [(1, "template is too large (79 KB; at most 64 KB)")]
    with pytest.raises(CobrandError, match=r"line 1: template is too large \(65 KB"):
        render_cobranded(template(too_large), ACME)


@pytest.mark.parametrize(
    ("body", "template_format"),
    [
        # filters that multiply the text, chained: each step is small, the product is not
        ("{{ 'a'" + "|replace('a', 'aa')" * 20 + " }}", "text"),
        ("{{ 'a'" + "|replace('a', 'aa')" * 20 + "|length }}", "text"),  # only on the way
        ("{{ partner.name|replace('', partner.website)|replace('', 'xxxx') }}", "text"),
        ("{{ '%'" + "|urlencode" * 8 + " }}", "text"),
        ("{{ '&'" + "|e|wordwrap(79)" * 8 + " }}", "text"),
        ("{{ partner.name" + "|join(', ')" * 4 + " }}", "html"),
        ("{{ '" + "\\n" * 1000 + "'|indent(200)|indent(200) }}", "text"),
        ("{{ partner.website|wordwrap(1, wrapstring=kit.title ~ kit.title ~ kit.title) }}", "html"),
        # many small pieces: every field counts at its longest (escaped, in html)
        ("{{ kit.summary }}\n" * 1100, "text"),
        ("{{ partner.name }}\n" * 210, "html"),
        ("{{ '" + "&" * 45_000 + "' }}", "html"),  # escaped when output: 5 characters each
    ],
)
def test_text_that_could_pass_200_kb_is_refused(body: str, template_format: str) -> None:
    problems = template_problems(body, template_format)
    assert len(problems) == 1 and problems[0][1].startswith(TOO_MUCH_TEXT), problems
    with pytest.raises(CobrandError, match="could produce more than 200 KB"):
        render_cobranded(template(body, template_format), ACME)


def test_the_text_bound_leaves_room_for_real_templates() -> None:
    body = "{{ partner.name }}\n" * 150 + "{{ partner.website|urlize }}\n" * 3
    assert template_problems(body, "html") == []
    assert template_problems("{{ kit.summary }}\n" * 1000) == []
    assert template_problems("{{ '" + "&" * 45_000 + "' }}") == []  # text: kept as it is


def test_rendering_stops_past_200_kb() -> None:
    # Fields longer than the check assumes (a kit summary is content) can still make more text.
    body = "{{ kit.summary|indent(200) }}"
    assert template_problems(body) == []
    assert render_cobranded(template(body), ACME) == "Run a webinar."
    huge = dataclasses.replace(ACME, kit_summary="x\n" * 2000)
    with pytest.raises(
        CobrandError, match=r"^kits/k/templates/t.md: the text is too long \(more than 200 KB\)$"
    ):
        render_cobranded(template(body), huge)


# What the review found, and the like: each refused at once, before anything is compiled.
DENIAL_OF_SERVICE = [
    "{{ '%0200000000d' % 1 }}",
    "{{ 'a'|center(200000000) }}",
    "{{ 'x' * 1000000000 }}",
    "{{ 9 ** 9 ** 9 ** 9 }}",
    "{{ 'x' ~ 'y' * 100000000 }}",
    "{% for a in partner.name %}{% for b in partner.name %}{% for c in partner.name %}"
    "{% for d in partner.name %}{{ a ~ b ~ c ~ d }}"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "{% set x = partner.name %}" + "{% set x = x ~ x %}" * 40 + "{{ x }}",
    "{% macro m(n) %}{{ m(n) ~ m(n) }}{% endmacro %}{{ m(1) }}",
    "{% filter center(200000000) %}x{% endfilter %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}"
    "{% call m() %}{{ 'a'|center(200000000) }}{% endcall %}",
    "{{ partner.name|indent(200000000) }}",
    "{{ partner.name|wordwrap(200000000) }}",
    "{{ partner.name|truncate(2000000000) }}",
    "{{ partner.name|center(*[200000000]) }}",
    "{{ 'a'" + "|replace('a', 'aa')" * 64 + "|length }}",
    "{{ '&'" + "|e|wordwrap(79)" * 64 + "|length }}",
    "{{ '%'" + "|urlencode" * 64 + "|length }}",
    "{{ 'ab'" + "|join('xx')" * 64 + "|length }}",
    "{{ '" + "\\n" * 20000 + "'" + "|indent(200)" * 20 + "|length }}",
]


@pytest.fixture
def compiled_sources(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every source the environments compile (and an empty cache, so nothing is skipped)."""
    calls: list[Any] = []
    compile_template = CobrandEnvironment.compile

    def recording(self: CobrandEnvironment, source: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        return compile_template(self, source, *args, **kwargs)

    monkeypatch.setattr(CobrandEnvironment, "compile", recording)
    cobrand._checked_source.cache_clear()
    yield calls
    cobrand._checked_source.cache_clear()


@pytest.mark.parametrize("template_format", ["text", "html"])
@pytest.mark.parametrize("body", DENIAL_OF_SERVICE)
def test_denial_of_service_refused_at_once_and_never_compiled(
    body: str, template_format: str, compiled_sources: list[Any]
) -> None:
    started = time.process_time()
    problems = template_problems(body, template_format)
    assert time.process_time() - started < 1
    assert problems, body
    assert compiled_sources == []  # compiling folds constants: it would build the text
    with pytest.raises(CobrandError):
        render_cobranded(template(body, template_format), ACME)
    assert compiled_sources == []


@pytest.mark.parametrize("body", DENIAL_OF_SERVICE)
def test_checking_builds_no_large_text(body: str, compiled_sources: list[Any]) -> None:
    tracemalloc.start()
    try:
        template_problems(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, peak  # the strings above would be hundreds of MB or more


DEEPLY_NESTED = [
    "{% if 1 %}" * 400 + "x" + "{% endif %}" * 400,
    "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
    "{{ partner.name" + "|trim" * 2000 + " }}",
    "{% if partner.name %}" * 120 + "x" + "{% endif %}" * 120,  # parses; Python refuses
]


@pytest.mark.parametrize("body", DEEPLY_NESTED)
def test_too_deeply_nested_is_a_clean_problem(body: str) -> None:
    started = time.process_time()
    assert template_problems(body) == [(1, TOO_COMPLEX)]
    assert time.process_time() - started < 1
    with pytest.raises(CobrandError, match=f"line 1: {TOO_COMPLEX}"):
        render_cobranded(template(body, "html"), ACME)


def test_nesting_that_python_allows_still_works() -> None:
    body = "{% if partner.name %}" * 60 + "{{ partner.name }}" + "{% endif %}" * 60
    assert template_problems(body) == []
    assert render_cobranded(template(body), ACME) == "<b>Acme & Co</b>"


INVITE = "kits/webinar-in-a-box/templates/invite.md"


@pytest.mark.parametrize("body", DEEPLY_NESTED[:2])
def test_too_deeply_nested_is_a_content_problem_with_its_line(
    content: ContentCopy, body: str
) -> None:
    content.write(INVITE, f"---\ntitle: Invitation e-mail\n---\n\nHello,\n{body}\n")
    assert content.problems() == [f"{INVITE}:5: {TOO_COMPLEX}"]
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(content.root)])
    assert result.exit_code == 1
    assert f"{INVITE}:5: {TOO_COMPLEX}\n" in result.output
    assert "Traceback" not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)


# --- checked against the partners a template may meet ------------------------------------------


def test_the_longest_sample_has_every_field_at_its_longest() -> None:
    assert FIELD_MAX_LENGTHS["partner.website"] == 300  # organizations.website
    assert {n: v for n, v in FIELD_MAX_LENGTHS.items() if n != "partner.website"} == dict.fromkeys(
        [n for n in ALLOWED_VARIABLES if n != "partner.website"], 200
    )
    variables = LONGEST_CONTEXT.variables()
    for name, length in FIELD_MAX_LENGTHS.items():
        record, field = name.split(".")
        assert len(variables[record][field]) == length, name


def test_a_template_failing_only_for_long_names_is_refused() -> None:
    body = "Hello,\n{% if partner.name|length > 150 %}{{ partner.name|wordwrap(0) }}{% endif %}"
    assert render_cobranded(template(body), ACME) == "Hello,\n"  # fine for a short name...
    assert template_problems(body) == [(2, "template error: invalid width 0 (must be > 0)")]


def test_a_template_failing_only_without_a_website_is_refused() -> None:
    body = "Hello,\n{{ partner.website|first }}"
    assert render_cobranded(template(body), ACME) == "Hello,\nh"
    assert template_problems(body) == [(2, "template error: No first item, sequence was empty.")]


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
