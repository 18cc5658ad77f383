"""Company identity for the conflict check: registrable domains and normalised names.

Two referrals are "the same company" when they share a registrable domain or, when neither
has one, the same normalised name. Everything here is a plain function: no Flask, no database,
no network (the public suffix list is the snapshot bundled with tldextract).

Decisions, so that the same company always produces the same key:

* Domains are stored in their ASCII (IDNA 2008 / UTS #46, punycode) form, so "bücher.de" and
  "xn--bcher-kva.de" are one company. Non-transitional processing keeps "ß" distinct from "ss",
  as current browsers do.
* Private public-suffix entries count, so stores on shared hosts stay apart
  ("acme.myshopify.com" is not "other.myshopify.com"); a bare host that is itself such a suffix
  ("myshopify.com") falls back to its ICANN registrable domain.
* Free-mail and consumer ISP domains never identify a company. A website on one of them is not
  usable, so the contact's e-mail domain is tried instead.
* Company names fold accents ("Société Générale" == "Societe Generale"): partners type names
  from memory and on keyboards without the accent, and a missed conflict costs more than a
  false alarm that staff dismiss.
"""

from __future__ import annotations

import functools
import ipaddress
import unicodedata
from email.utils import parseaddr
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import idna

from portal.patterns import COMPANY_URL_SCHEME, LDH_HOST, PLAIN_URL, SPACED_INITIALS

if TYPE_CHECKING:
    import tldextract

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # Global webmail
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "passport.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com", "mail.com",
        "gmx.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hey.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tutanota.de",
        "tuta.io", "hushmail.com", "duck.com", "inbox.com", "yandex.com",
        # Yahoo by country
        "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca",
        "yahoo.co.in", "yahoo.in", "yahoo.co.jp", "yahoo.com.au", "yahoo.com.br", "ymail.com",
        "rocketmail.com",
        # Microsoft by country
        "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.es", "hotmail.it", "live.co.uk",
        "live.fr", "live.de", "outlook.fr", "outlook.de", "outlook.es",
        # Europe
        "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.fr", "web.de", "t-online.de",
        "freenet.de", "posteo.de", "mailbox.org", "orange.fr", "wanadoo.fr", "free.fr",
        "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "seznam.cz", "wp.pl", "o2.pl",
        "interia.pl", "onet.pl", "btinternet.com",
        # Russia and neighbours
        "mail.ru", "bk.ru", "list.ru", "inbox.ru", "yandex.ru", "ya.ru", "rambler.ru",
        # Asia
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sohu.com",
        "naver.com", "daum.net", "hanmail.net", "rediffmail.com",
        # Americas and Oceania
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
        "shaw.ca", "rogers.com", "uol.com.br", "bol.com.br", "terra.com.br", "bigpond.com",
        "optusnet.com.au",
    }
)  # fmt: skip

# Legal-form suffixes as token tuples, after punctuation has been removed ("S.A." -> "sa",
# "A/S" -> "as", "Sp. z o.o." -> "sp z oo"). Longer tuples are tried first.
LEGAL_SUFFIXES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        {
            # English-speaking countries
            ("inc",), ("incorporated",), ("corp",), ("corporation",), ("co",), ("company",),
            ("and", "co"), ("llc",), ("limited", "liability", "company"), ("ltd",),
            ("limited",), ("plc",), ("llp",), ("lp",), ("pty",), ("pvt",), ("pte",),
            ("private", "limited"), ("sdn", "bhd"), ("bhd",),
            # German-speaking countries
            ("gmbh",), ("mbh",), ("ag",), ("kg",), ("kgaa",), ("ohg",), ("ug",), ("se",),
            ("und", "co"), ("ev",),
            # Romance languages
            ("sa",), ("sas",), ("sasu",), ("sarl",), ("eurl",), ("sca",), ("srl",), ("srls",),
            ("spa",), ("sl",), ("slu",), ("sapi",), ("sa", "de", "cv"), ("de", "cv"), ("sab",),
            ("ltda",), ("eireli",), ("lda",), ("cia",), ("y", "cia"), ("sac",),
            # Benelux and Nordics
            ("bv",), ("nv",), ("vof",), ("cv",), ("bvba",), ("sprl",), ("oy",), ("oyj",),
            ("ab",), ("publ",), ("as",), ("asa",), ("aps",), ("hf",), ("ehf",),
            # Central and Eastern Europe
            ("sro",), ("sp", "z", "oo"), ("zoo",), ("kft",), ("zrt",), ("nyrt",),
            ("bt",), ("doo",), ("dd",), ("ad",), ("ood",), ("eood",), ("ou",), ("uab",),
            ("sia",), ("ooo",), ("zao",), ("oao",), ("pao",), ("jsc",), ("pjsc",),
            # Asia
            ("kk",), ("kabushiki", "kaisha"), ("gk",), ("godo", "kaisha"), ("yk",),
            ("tbk",),
        },
        key=lambda suffix: (-len(suffix), suffix),
    )
)  # fmt: skip

# Joined, not spaced, so abbreviations match their unpunctuated spelling ("A.B.C." == "ABC").
_JOINING_PUNCTUATION = frozenset(".'`/\\\u2018\u2019")  # and curly apostrophes
# A name longer than any column is compared by its beginning (and never stored whole).
NAME_INPUT_MAX = 1_000


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    """The shared extractor: the bundled public suffix list, no fetching, no disk cache."""
    # Imported on first use: tldextract and the requests it pulls in cost a web worker about
    # 6 MB, and only pages that read a company's domain need them.
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def normalise_domain(website: str | None, email: str | None = None) -> str | None:
    """Return the company's registrable domain from its website, else from the e-mail's domain.

    None when neither gives a usable domain: blank, garbage, IP addresses, local names, and
    free-mail domains such as gmail.com.
    """
    return _domain_from_website(website) or _domain_from_email(email)


def _domain_from_website(website: str | None) -> str | None:
    text = (website or "").strip()
    if not text:
        return None
    if not COMPANY_URL_SCHEME.match(text):
        text = "http://" + text.lstrip("/")
    try:
        host = _url_host(text)
    except ValueError:  # unbalanced IPv6 brackets, forbidden characters in the netloc
        return None
    return _registrable_domain(host)


def _url_host(url: str) -> str | None:
    """The URL's host name in lower case, exactly as `urlsplit(url).hostname` gives it."""
    # A scheme, "//" and a host of letters, digits, dots and hyphens needs no URL parser:
    # most websites look like that, and skipping urlsplit speeds a large import up.
    plain = PLAIN_URL.match(url)
    if plain is not None:
        return plain.group(1).lower() or None
    return urlsplit(url).hostname


def _domain_from_email(email: str | None) -> str | None:
    text = (email or "").strip()
    if "<" in text:  # "Jane Doe <jane@acme.com>"
        text = parseaddr(text)[1]
    local, at, domain = text.removeprefix("mailto:").rpartition("@")
    if not (local and at):
        return None
    return _registrable_domain(domain.strip().strip("[]"))


def _registrable_domain(host: str | None) -> str | None:
    """The ASCII registrable domain of a host name, or None when it names no company."""
    host = (host or "").strip().rstrip(".")
    if not host or _is_ip_address(host):
        return None
    ascii_host = _ascii_host(host)
    if ascii_host is None:
        return None
    parts = _extractor()(ascii_host, include_psl_private_domains=True)
    if not parts.domain:  # the host is itself a private suffix, e.g. "myshopify.com"
        parts = _extractor()(ascii_host)
    if not (parts.domain and parts.suffix):  # "localhost", "intranet", unknown TLDs
        return None
    domain = f"{parts.domain}.{parts.suffix}"
    return None if domain in FREE_MAIL_DOMAINS else domain


def _ascii_host(host: str) -> str | None:
    """The host in IDNA 2008 / UTS #46 ASCII form, or None when it is no valid host name."""
    # Most hosts are already plain letters, digits and hyphens: for those IDNA only lower-cases,
    # and skipping it makes a 100,000-line customer import about a second faster. Anything
    # else ("--" anywhere, so "xn--" too, non-ASCII, over 253 characters) goes through idna.
    if host.isascii() and "--" not in host:
        lowered = host.lower()
        if LDH_HOST.fullmatch(lowered):
            return lowered
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def _is_ip_address(host: str) -> bool:
    # An IP address is digits and dots (IPv4) or has a colon (IPv6); most hosts are neither,
    # and ipaddress's parse of them only fails slowly.
    if ":" not in host and not host.replace(".", "").isdigit():
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalise_company_name(name: str) -> str:
    """Return the comparable form of a company name.

    Compatibility-normalised (NFKC), accents folded, case-folded, punctuation removed ("&" reads
    as "and"), whitespace collapsed, a leading "The" and trailing legal forms (Inc, Ltd, GmbH,
    S.A., A/S, Co., ... repeatedly) removed. A name made only of a legal form keeps its last
    word ("AG" -> "ag"); only a blank or punctuation-only name gives "".
    """
    text = _fold(name[:NAME_INPUT_MAX])
    text = SPACED_INITIALS.sub(r"\1.", text)
    tokens = _words(text)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    stripped = True
    while stripped:
        stripped = False
        for suffix in LEGAL_SUFFIXES:
            if len(tokens) > len(suffix) and tuple(tokens[-len(suffix) :]) == suffix:
                tokens = tokens[: -len(suffix)]
                stripped = True
                break
    return " ".join(tokens)


def _fold(text: str) -> str:
    """NFKC, then accents dropped (NFKD minus combining marks), then case-folded."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", without_marks).casefold()


def _words(text: str) -> list[str]:
    """Split into words: joining punctuation vanishes, "&" is "and", other symbols separate."""
    out: list[str] = []
    for ch in text:
        if ch in _JOINING_PUNCTUATION:
            continue
        if ch == "&":
            out.append(" and ")
        elif unicodedata.category(ch)[0] in "PSZC":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out).split()


def company_key(website: str | None, email: str | None, name: str) -> tuple[str, str]:
    """Return the conflict-check key: ("domain", domain) when one is known, else ("name", name).

    Raises ValueError when there is neither a domain nor a name to compare.
    """
    domain = normalise_domain(website, email)
    if domain:
        return ("domain", domain)
    normalised = normalise_company_name(name)
    if not normalised:
        raise ValueError("a company needs a usable website, e-mail domain or name")
    return ("name", normalised)
