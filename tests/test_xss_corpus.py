"""The XSS checker itself: it must catch every payload left raw and pass every escaped one."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests.xss_corpus import MARKUP_PAYLOADS, XSS_PAYLOADS, find_injections, raw_payloads_in


def test_the_corpus_is_large_and_distinct():
    assert len(XSS_PAYLOADS) >= 40
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_a_raw_payload_is_caught(payload):
    page = f"<main><p>{payload}</p><a href='{payload}'>x</a></main>"
    assert find_injections(page) or raw_payloads_in(page, (payload,)), payload


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_an_escaped_payload_passes(payload):
    page = f'<main><p>{escape(payload)}</p><a href="/referrals?q={escape(payload)}">x</a></main>'
    assert find_injections(page) == []
    assert raw_payloads_in(page, (payload,)) == []
