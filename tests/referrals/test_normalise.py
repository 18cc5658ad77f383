"""Company identity for the conflict check: domains, names and the key they produce."""

from __future__ import annotations

import ipaddress
import random
from urllib.parse import urlsplit

import idna
import pytest

from portal.referrals.normalise import (
    FREE_MAIL_DOMAINS,
    _ascii_host,
    _is_ip_address,
    _url_host,
    company_key,
    normalise_company_name,
    normalise_domain,
)

# (website, contact e-mail, expected registrable domain)
DOMAIN_CASES = [
    # Plain websites, with and without scheme, www, case, whitespace, trailing dots
    ("https://www.acme.com", None, "acme.com"),
    ("http://acme.com/", None, "acme.com"),
    ("Acme.com", None, "acme.com"),
    ("  WWW.ACME.COM  ", None, "acme.com"),
    ("acme.com.", None, "acme.com"),
    ("www.acme.com./pricing", None, "acme.com"),
    ("HTTPS://WWW.ACME.COM/About-Us", None, "acme.com"),
    ("//acme.com/contact", None, "acme.com"),
    # Ports, paths, queries, fragments, credentials
    ("https://acme.com:8443/en/products?ref=partner#top", None, "acme.com"),
    ("acme.com:8080", None, "acme.com"),
    ("https://admin:secret@portal.acme.com/login", None, "acme.com"),
    ("ftp://files.acme.com/pub", None, "acme.com"),
    # Sub-domains
    ("https://shop.acme.com", None, "acme.com"),
    ("eu.shop.acme.co.uk", None, "acme.co.uk"),
    ("https://careers.eu-west.globex.io/jobs", None, "globex.io"),
    # Country suffixes with two labels
    ("https://www.tesco.co.uk", None, "tesco.co.uk"),
    ("www.woolworths.com.au", None, "woolworths.com.au"),
    ("https://www.rakuten.co.jp/", None, "rakuten.co.jp"),
    ("magazineluiza.com.br", None, "magazineluiza.com.br"),
    ("https://www.flipkart.co.in", None, "flipkart.co.in"),
    ("http://store.acme.com.mx", None, "acme.com.mx"),
    ("bbc.co.uk", None, "bbc.co.uk"),
    # Internationalised names, Unicode and punycode, one canonical ASCII form
    ("https://www.bücher.de", None, "xn--bcher-kva.de"),
    ("xn--bcher-kva.de", None, "xn--bcher-kva.de"),
    ("BÜCHER.DE", None, "xn--bcher-kva.de"),
    ("https://shop.münchen.de/angebote", None, "xn--mnchen-3ya.de"),
    ("пример.рф", None, "xn--e1afmkfd.xn--p1ai"),
    ("例え.jp", None, "xn--r8jz45g.jp"),
    ("acme。com", None, "acme.com"),  # ideographic full stop, typed on a Japanese keyboard
    # Shared hosting: each store is its own company
    ("https://acme.myshopify.com", None, "acme.myshopify.com"),
    ("globex.github.io", None, "globex.github.io"),
    # From the contact's e-mail when there is no usable website
    (None, "jane.doe@acme.com", "acme.com"),
    ("", "Jane.Doe@Sales.ACME.co.uk", "acme.co.uk"),
    ("   ", "Jane Doe <jane@initech.com.au>", "initech.com.au"),
    (None, "mailto:ops@bücher.de", "xn--bcher-kva.de"),
    ("not a website", "jane@acme.com", "acme.com"),
    ("http://192.168.1.10", "jane@acme.com", "acme.com"),
    ("gmail.com", "jane@acme.com", "acme.com"),
    # The website wins over the e-mail when both are usable
    ("https://www.acme.com", "jane@acme-consulting.de", "acme.com"),
    # Free-mail never identifies a company, from the website or the e-mail
    ("https://mail.google.com", None, "google.com"),
    ("gmail.com", None, None),
    ("https://www.yahoo.co.uk", None, None),
    (None, "jane@gmail.com", None),
    (None, "JANE@GoogleMail.com", None),
    (None, "bob@hotmail.co.uk", None),
    (None, "anna@gmx.de", None),
    (None, "ivan@mail.ru", None),
    (None, "li@qq.com", None),
    (None, "sam@proton.me", None),
    ("outlook.com", "jane@icloud.com", None),
    # IP addresses, local names, garbage
    ("http://127.0.0.1:5000", None, None),
    ("10.0.0.1", None, None),
    ("http://[2001:db8::1]/", None, None),
    ("http://[::1", None, None),
    ("localhost", None, None),
    ("http://localhost:8000", None, None),
    ("intranet", None, None),
    ("acme", None, None),
    ("n/a", None, None),
    ("-", None, None),
    ("http://", None, None),
    ("acme corp.com", None, None),
    ("under_score.com", None, None),
    ("com", None, None),
    ("co.uk", None, None),
    (None, "jane", None),
    (None, "jane@", None),
    (None, "@acme.com", None),
    (None, "jane@[10.0.0.1]", None),
    (None, None, None),
    ("", "", None),
]


@pytest.mark.parametrize(("website", "email", "expected"), DOMAIN_CASES)
def test_normalise_domain(website, email, expected):
    assert normalise_domain(website, email) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ["https://www.acme.com/", "ACME.COM", "acme.com.", "shop.acme.com:443/cart", "x@acme.com"],
        ["bücher.de", "https://www.xn--bcher-kva.de/", "BÜCHER.de", "info@bücher.de"],
        ["tesco.co.uk", "http://www.tesco.co.uk/groceries", "buyer@corporate.tesco.co.uk"],
    ],
)
def test_spellings_of_one_company_share_a_domain(spellings):
    domains = {
        normalise_domain(None, text) if "@" in text else normalise_domain(text)
        for text in spellings
    }
    assert len(domains) == 1
    assert None not in domains


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("acme.com", "acme.co.uk"),
        ("acme.com.au", "acme.com"),
        ("acme.myshopify.com", "globex.myshopify.com"),
        ("straße.de", "strasse.de"),  # IDNA 2008: distinct registrations
        ("acme.com", "acme-corp.com"),
    ],
)
def test_different_companies_get_different_domains(first, second):
    assert normalise_domain(first) != normalise_domain(second)


def test_every_free_mail_domain_is_refused_from_website_and_email():
    for domain in FREE_MAIL_DOMAINS:
        assert normalise_domain(domain) is None, domain
        assert normalise_domain(None, f"someone@{domain}") is None, domain


def test_domains_are_stored_in_ascii():
    for website, email, _ in DOMAIN_CASES:
        domain = normalise_domain(website, email)
        if domain is not None:
            assert domain.isascii()
            assert domain == domain.lower()


# (as typed by a partner, normalised name)
NAME_CASES = [
    ("Acme Inc.", "acme"),
    ("ACME, Incorporated", "acme"),
    ("Acme Corp", "acme"),
    ("Acme Corporation", "acme"),
    ("Acme LLC", "acme"),
    ("Acme L.L.C.", "acme"),
    ("Acme Ltd", "acme"),
    ("Acme Limited", "acme"),
    ("Acme Co., Ltd.", "acme"),
    ("Acme PLC", "acme"),
    ("Acme Holdings Pty Ltd", "acme holdings"),
    ("Acme Pvt. Ltd.", "acme"),
    ("Siemens AG", "siemens"),
    ("Müller GmbH & Co. KG", "muller"),
    ("SAP SE", "sap"),
    ("Société Générale S.A.", "societe generale"),
    ("Societe Generale SA", "societe generale"),
    ("Dassault Systèmes SAS", "dassault systemes"),
    ("Ferrero S.p.A.", "ferrero"),
    ("Luxottica S.r.l.", "luxottica"),
    ("Telefónica, S.L.", "telefonica"),
    ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
    ("Natura Cosméticos Ltda.", "natura cosmeticos"),
    ("Philips N.V.", "philips"),
    ("ASML Holding B.V.", "asml holding"),
    ("Nokia Oyj", "nokia"),
    ("Volvo AB (publ)", "volvo"),
    ("Maersk A/S", "maersk"),
    ("Equinor ASA", "equinor"),
    ("Škoda Auto a.s.", "skoda auto"),
    ("Allegro Sp. z o.o.", "allegro"),
    ("Richter Gedeon Nyrt.", "richter gedeon"),
    ("Bolt Technology OÜ", "bolt technology"),
    ("Toyota Motor K.K.", "toyota motor"),
    ("Sony Group Kabushiki Kaisha", "sony group"),
    ("The Home Depot, Inc.", "home depot"),
    ("the   Coca-Cola   Company", "coca cola"),
    ("Procter & Gamble Co.", "procter and gamble"),
    ("McDonald\u2019s Corporation", "mcdonalds"),  # typographic apostrophe
    ("A.B.C. Trading Ltd", "abc trading"),
    ("ＡＣＭＥ　ＩＮＣ", "acme"),  # noqa: RUF001 - full-width letters and space
    ("Straße Logistik GmbH", "strasse logistik"),
    # A name made only of legal words keeps its last word
    ("AG", "ag"),
    ("Company Inc.", "company"),
    ("The Limited", "limited"),
    ("The", "the"),
    # Legal words inside a name stay
    ("Limited Brands Inc", "limited brands"),
    ("Inc. Magazine", "inc magazine"),
]


@pytest.mark.parametrize(("name", "expected"), NAME_CASES)
def test_normalise_company_name(name, expected):
    assert normalise_company_name(name) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ["Société Générale", "SOCIETE GENERALE S.A.", "Societe  Generale, SA"],
        ["Hewlett-Packard Company", "Hewlett Packard Co", "hewlett packard inc."],
        ["Johnson & Johnson", "Johnson and Johnson Inc", "JOHNSON&JOHNSON"],
        ["Grupo Bimbo S.A.B. de C.V.", "Grupo Bimbo S. A. B. de C. V.", "grupo bimbo"],
        ["Müller GmbH", "müller gmbh", "MÜLLER gmbh & co. kg"],
    ],
)
def test_spellings_of_one_company_share_a_name(spellings):
    assert len({normalise_company_name(name) for name in spellings}) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Acme Inc", "Acme Holdings Inc"),
        ("Globex GmbH", "Initech GmbH"),
        ("Limited Brands", "Brands"),
        ("Plan B Ltd", "Plan C Ltd"),
        ("AG", "SA"),
    ],
)
def test_different_companies_get_different_names(first, second):
    assert normalise_company_name(first) != normalise_company_name(second)


@pytest.mark.parametrize("name", ["", "   ", "!!!", "—"])
def test_a_name_without_letters_normalises_to_nothing(name):
    assert normalise_company_name(name) == ""


def test_company_key_prefers_the_website_domain():
    assert company_key("https://www.acme.com", "jane@gmail.com", "Acme Inc") == (
        "domain",
        "acme.com",
    )


def test_company_key_falls_back_to_the_email_domain():
    assert company_key("", "jane@eu.acme.co.uk", "Acme Ltd") == ("domain", "acme.co.uk")


def test_company_key_falls_back_to_the_name_for_free_mail():
    assert company_key(None, "founder@gmail.com", "Acme Robotics GmbH") == (
        "name",
        "acme robotics",
    )


def test_two_referrals_for_one_company_collide_whoever_types_them():
    by_website = company_key("HTTPS://Shop.ACME.com:443/", "buyer@acme-mail.net", "ACME")
    by_email = company_key(None, "Jane <jane.doe@acme.com>", "Acme Incorporated")
    assert by_website == by_email == ("domain", "acme.com")

    by_name = company_key(None, "owner@yahoo.co.uk", "Société Générale S.A.")
    by_other_name = company_key("localhost", "owner@hotmail.com", "societe generale")
    assert by_name == by_other_name == ("name", "societe generale")


def test_different_companies_on_free_mail_do_not_collide():
    assert company_key(None, "a@gmail.com", "Acme GmbH") != company_key(
        None, "b@gmail.com", "Globex GmbH"
    )


def test_a_domain_key_never_equals_a_name_key():
    assert company_key("acme.com", None, "acme.com") != company_key(None, None, "acme.com")


def test_company_key_refuses_a_company_with_nothing_to_compare():
    with pytest.raises(ValueError, match="company"):
        company_key(None, "jane@gmail.com", "   ")


def _hosts(count: int, seed: int) -> list[str]:
    """Host names that probe the edges of the plain-host shortcut: case, hyphens, lengths."""
    rng = random.Random(seed)
    # Kelvin sign, fullwidth and Arabic-Indic digits: non-ASCII that lower-cases or reads as ASCII.
    odd = ["\u212a", "\uff11", "\u0661", "ß", "ü", "_", " "]
    pieces = ["a", "Z", "0", "9", "-", "--", ".", "..", "xn--", *odd]
    hosts = [
        "a" * 63 + ".com",
        "a" * 64 + ".com",
        ".".join(["a" * 61] * 4),  # 247 characters
        ".".join(["a" * 63] * 4),  # 255 characters
        "-acme.com",
        "acme-.com",
        "ab--cd.com",
        "xn--bcher-kva.de",
        "xn--zz.de",
        "1.2.3.4",
        "1.2.3",
        "::1",
        "0x7f.1",
    ]
    for _ in range(count):
        label_count = rng.randint(1, 5)
        labels = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
            for _ in range(label_count)
        ]
        hosts.append(".".join(labels) + rng.choice(["", ".com", ".co.uk", ".de"]))
    return hosts


def test_the_plain_host_shortcuts_agree_with_idna_and_ipaddress():
    """The fast paths for plain host names give exactly what IDNA and ipaddress would."""
    for host in _hosts(20_000, seed=46):
        try:
            expected: str | None = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            expected = None
        assert _ascii_host(host) == expected, host
        try:
            ipaddress.ip_address(host)
        except ValueError:
            is_ip = False
        else:
            is_ip = True
        assert _is_ip_address(host) is is_ip, host


def _urls(count: int, seed: int) -> list[str]:
    """URLs that probe the edges of the plain-URL shortcut: schemes, ports, users, whitespace."""
    rng = random.Random(seed)
    schemes = ["http://", "HTTPS://", "ftp://", "h+t.t-p://", "1http://", "http:/", "http:\t//", ""]
    hosts = [
        "acme.com",
        "ACME.co.uk",
        "",
        ".",
        "a-b.io",
        "bücher.de",
        "[::1]",
        "[::1",
        "ac\tme.com",
    ]
    tails = ["", "/", "/path", "?q=1", "#top", ":8080", "@evil.com", "\\x", " ", "\t/x", "%41"]
    urls = ["http://", "http:///path", "//acme.com", "http://\u212aacme.com"]
    for _ in range(count):
        url = rng.choice(schemes) + rng.choice(hosts) + rng.choice(tails) + rng.choice(tails)
        urls.append(url)
    return urls


def test_the_plain_url_shortcut_agrees_with_urlsplit():
    for url in _urls(5_000, seed=46):
        try:
            expected: str | None = urlsplit(url).hostname
        except ValueError:
            with pytest.raises(ValueError):
                _url_host(url)
            continue
        assert _url_host(url) == expected, url
