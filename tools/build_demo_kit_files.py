"""Build the demo kits' downloadable files and their preview thumbnails (`make demo-kit-files`).

    .venv/bin/python tools/build_demo_kit_files.py [CONTENT_DIR]

Writes `kits/<kit>/files/<name>` and `kits/<kit>/previews/<name>.png` under CONTENT_DIR
(default: the repository's content/). The outputs are committed; they are small and
byte-for-byte reproducible: fixed dates in the PDFs and the calendar invite, no timestamps in
the PNGs, no randomness. tests/content/test_demo_kit_files.py builds them into a temporary folder
and compares the bytes with the committed ones, so an edit here must be followed by a rebuild.

PDFs are drawn with fpdf2's core fonts (nothing embedded), images with Pillow's bundled font.
A PDF's preview is a miniature of its page drawn from the same outline (no PDF rasteriser).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
BUILT_ON = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the PDFs' creation date, fixed
VENDOR = "Keelstone"
INK = (23, 37, 58)
BRAND = (18, 94, 110)
ACCENT = (222, 122, 34)
PAPER = (255, 255, 255)
MIST = (236, 242, 244)
PREVIEW_SIZE = (240, 180)  # every preview: the kit page reserves this box (no layout shift)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A one- or two-page PDF: a title band, then sections of text and bullets."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    footer: str = f"{VENDOR} Partner Program · for partners to share with prospects"


# ---------------------------------------------------------------- PDFs


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: typographic dashes and quotes become plain ones."""
    table = {"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    return "".join(table.get(ch, ch) for ch in text)


def pdf_bytes(doc: Document) -> bytes:
    """The document as an A4 PDF with fixed metadata."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(BUILT_ON)
    pdf.set_title(_latin1(doc.title))
    pdf.set_author(f"{VENDOR} Partner Program")
    pdf.set_creator("tools/build_demo_kit_files.py")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_fill_color(*BRAND)
    pdf.rect(0, 0, 210, 46, style="F")
    pdf.set_text_color(*PAPER)
    pdf.set_xy(18, 12)
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(174, 9, _latin1(doc.title))
    pdf.set_font("Helvetica", "", 11)
    pdf.set_x(18)
    pdf.multi_cell(174, 6, _latin1(doc.subtitle))
    pdf.set_y(54)
    pdf.set_text_color(*INK)
    for section in doc.sections:
        pdf.set_font("Helvetica", "B", 13)
        pdf.set_text_color(*BRAND)
        pdf.multi_cell(174, 7, _latin1(section.heading))
        pdf.set_text_color(*INK)
        pdf.set_font("Helvetica", "", 10.5)
        for paragraph in section.paragraphs:
            pdf.multi_cell(174, 5.4, _latin1(paragraph))
            pdf.ln(1.5)
        for bullet in section.bullets:
            pdf.set_x(22)
            pdf.multi_cell(170, 5.4, _latin1(f"-  {bullet}"))
        pdf.ln(3)
    pdf.set_y(-14)
    pdf.set_font("Helvetica", "I", 8.5)
    pdf.set_text_color(110, 120, 130)
    pdf.cell(174, 5, _latin1(doc.footer), align="C")
    return bytes(pdf.output())


# ---------------------------------------------------------------- images


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=_font(size)) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def banner_png(width: int, height: int, kicker: str, headline: str, line: str) -> bytes:
    """A social or web banner: brand field, an accent rule, a kicker, a headline and a line."""
    image = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(image)
    pad = width // 16
    draw.rectangle((0, height - height // 14, width, height), fill=ACCENT)
    size = max(18, height // 9)
    draw.text((pad, pad * 0.8), kicker.upper(), font=_font(size // 2 + 4), fill=(200, 228, 232))
    y = pad * 0.8 + size
    for text_line in _wrap(draw, headline, size, width - 2 * pad):
        draw.text((pad, y), text_line, font=_font(size), fill=PAPER)
        y += size * 1.2
    draw.text((pad, y + size * 0.3), line, font=_font(size // 2), fill=(220, 236, 238))
    draw.text(
        (width - pad, height - height // 14 - pad * 0.6),
        VENDOR,
        font=_font(size // 2 + 2),
        fill=PAPER,
        anchor="rs",
    )
    return _png(image.quantize(colors=64, dither=Image.Dither.NONE))


def _preview_canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", PREVIEW_SIZE, MIST)
    return image, ImageDraw.Draw(image)


def _finish_preview(image: Image.Image) -> bytes:
    return _png(image.quantize(colors=32, dither=Image.Dither.NONE))


def image_preview(data: bytes) -> bytes:
    """The image itself, scaled into the preview box."""
    image, _ = _preview_canvas()
    with Image.open(BytesIO(data)) as source:
        picture = source.convert("RGB")
    picture.thumbnail((PREVIEW_SIZE[0] - 16, PREVIEW_SIZE[1] - 16), Image.Resampling.LANCZOS)
    x = (PREVIEW_SIZE[0] - picture.width) // 2
    y = (PREVIEW_SIZE[1] - picture.height) // 2
    image.paste(picture, (x, y))
    return _finish_preview(image)


def document_preview(doc: Document) -> bytes:
    """A miniature of the PDF's first page, drawn from the same outline."""
    image, draw = _preview_canvas()
    left, top, right, bottom = 70, 8, 170, 172  # an A4-shaped sheet
    draw.rectangle((left, top, right, bottom), fill=PAPER, outline=(190, 200, 205))
    draw.rectangle((left, top, right, top + 26), fill=BRAND)
    title = _wrap(draw, doc.title, 9, right - left - 10)[:2]
    for number, text in enumerate(title):
        draw.text((left + 5, top + 4 + number * 10), text, font=_font(9), fill=PAPER)
    y = top + 32
    for section in doc.sections:
        if y > bottom - 14:
            break
        draw.rectangle(
            (left + 5, y, left + 5 + min(80, 6 * len(section.heading)), y + 3), fill=BRAND
        )
        y += 7
        for _ in range(min(3, len(section.paragraphs) * 2 + len(section.bullets))):
            if y > bottom - 8:
                break
            draw.rectangle((left + 5, y, right - 8, y + 1), fill=(150, 160, 168))
            y += 5
        y += 3
    return _finish_preview(image)


def email_preview(heading: str) -> bytes:
    """A miniature of the HTML e-mail: header band, text, a button."""
    image, draw = _preview_canvas()
    draw.rectangle((40, 10, 200, 170), fill=PAPER, outline=(190, 200, 205))
    draw.rectangle((40, 10, 200, 34), fill=BRAND)
    draw.text((48, 16), "E-MAIL", font=_font(11), fill=PAPER)
    for number, text in enumerate(_wrap(draw, heading, 11, 144)[:2]):
        draw.text((48, 42 + 14 * number), text, font=_font(11), fill=INK)
    for y in range(76, 128, 8):
        draw.rectangle((48, y, 192, y + 2), fill=(160, 170, 178))
    draw.rounded_rectangle((48, 138, 132, 158), radius=4, fill=ACCENT)
    return _finish_preview(image)


def calendar_preview(month: str, day: str, label: str) -> bytes:
    """A calendar leaf with the event's date."""
    image, draw = _preview_canvas()
    draw.rounded_rectangle((70, 14, 170, 130), radius=8, fill=PAPER, outline=(190, 200, 205))
    draw.rounded_rectangle((70, 14, 170, 44), radius=8, fill=ACCENT)
    draw.rectangle((70, 34, 170, 44), fill=ACCENT)
    draw.text((120, 30), month.upper(), font=_font(16), fill=PAPER, anchor="mm")
    draw.text((120, 88), day, font=_font(44), fill=INK, anchor="mm")
    draw.text((120, 154), label, font=_font(13), fill=INK, anchor="mm")
    return _finish_preview(image)


def page_preview(heading: str) -> bytes:
    """A miniature of a web page section: browser bar, headline, three benefits, a button."""
    image, draw = _preview_canvas()
    draw.rectangle((16, 14, 224, 166), fill=PAPER, outline=(190, 200, 205))
    draw.rectangle((16, 14, 224, 26), fill=(210, 218, 222))
    for x in (22, 30, 38):
        draw.ellipse((x, 18, x + 4, 22), fill=(150, 160, 168))
    for number, text in enumerate(_wrap(draw, heading, 13, 190)[:2]):
        draw.text((26, 36 + 16 * number), text, font=_font(13), fill=INK)
    for column in range(3):
        x = 26 + column * 66
        draw.ellipse((x, 82, x + 14, 96), fill=BRAND)
        draw.rectangle((x, 102, x + 54, 104), fill=(160, 170, 178))
        draw.rectangle((x, 110, x + 44, 112), fill=(160, 170, 178))
    draw.rounded_rectangle((26, 130, 110, 150), radius=4, fill=ACCENT)
    return _finish_preview(image)


# ---------------------------------------------------------------- text files


def calendar_invite() -> bytes:
    """The webinar as an iCalendar event (RFC 5545: CRLF lines, UTC times, a fixed UID)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{VENDOR} Partner Program//Joint webinar kit//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        "UID:joint-webinar-forecast-2026@partners.keelstone.example",
        "DTSTAMP:20260105T090000Z",
        "DTSTART:20260317T160000Z",
        "DTEND:20260317T164500Z",
        "SUMMARY:Why your forecast misses\\, and how to fix it in a quarter",
        "DESCRIPTION:A 45-minute webinar hosted by [your firm] with a Keelstone speaker."
        "\\n\\nAgenda: why forecasts miss (10 min)\\; one revenue model (15 min)\\; what a "
        "rollout looks like (7 min)\\; questions (8 min).\\n\\nReplace the date\\, time and "
        "join link with your own before you send it.",
        "LOCATION:Online (join link to follow)",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def _fold(line: str) -> str:
    """RFC 5545 folding: lines over 75 octets continue on the next line after one space."""
    parts = []
    while len(line.encode()) > 75:
        parts.append(line[:74])
        line = " " + line[74:]
    parts.append(line)
    return "\r\n".join(parts)


def html_email() -> bytes:
    """The first e-mail of the introduction sequence as a standalone HTML e-mail.

    E-mail clients ignore style sheets, so the styles are inline (this file is a download, not
    a portal page: the portal's CSP does not apply to it).
    """
    body = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>An introduction: {VENDOR} and [Your firm]</title>
</head>
<body style="margin:0;padding:0;background:#eef2f4;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#eef2f4;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;font-family:Arial,Helvetica,sans-serif;color:#17253a;">
<tr><td style="background:#125e6e;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:bold;">[Your firm] &amp; {VENDOR}</td></tr>
<tr><td style="padding:28px;font-size:16px;line-height:1.5;">
<p style="margin:0 0 16px;">Hi [First name],</p>
<p style="margin:0 0 16px;">When we spoke in [month], you mentioned that [the trigger, in their words: the forecast is rebuilt by hand every month / renewals keep surprising the team].</p>
<p style="margin:0 0 16px;">We now work with {VENDOR}, which brings pipeline, renewals and product usage into one revenue model. Halden Learning, a 420-person company, brought its forecast to within 4% of actuals in two quarters.</p>
<p style="margin:0 0 24px;">Would a 30-minute conversation on [two dates] be useful? I would bring one of {VENDOR}'s revenue specialists.</p>
<table role="presentation" cellpadding="0" cellspacing="0"><tr><td style="background:#de7a22;border-radius:4px;"><a href="[your booking link]" style="display:inline-block;padding:12px 22px;color:#17253a;font-weight:bold;text-decoration:none;">Book a forecast review</a></td></tr></table>
<p style="margin:24px 0 0;">Best regards,<br>[Your name]<br>[Your title], [Your firm]</p>
</td></tr>
<tr><td style="padding:16px 28px;font-size:12px;color:#55606b;border-top:1px solid #dde3e6;">You are receiving this because we have spoken before. Reply "no thanks" and I will not write again.</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""  # noqa: E501 (an e-mail's markup, kept as one would paste it)
    return body.encode()


def landing_section_html() -> bytes:
    """The landing-page section as a complete example page (plain semantic HTML, no styles)."""
    body = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example: [Your firm] and {VENDOR}</title>
</head>
<body>
<section aria-labelledby="keelstone-partner">
  <h2 id="keelstone-partner">One revenue number your board can trust</h2>
  <p>[Your firm] works with {VENDOR} to bring pipeline, renewals and product usage into one
  revenue model, so finance and sales stop arguing about which forecast is right.</p>
  <ul>
    <li><strong>A forecast you can defend:</strong> built from the systems you already use.</li>
    <li><strong>Pipeline you can act on:</strong> risk flags on the deals that matter.</li>
    <li><strong>Renewals you see coming:</strong> falling usage flagged months ahead.</li>
  </ul>
  <p><a href="https://www.example.com/">Book a forecast review with [Your firm]</a></p>
</section>
</body>
</html>
"""
    return body.encode()


# ---------------------------------------------------------------- the kits

ONE_PAGER = Document(
    "Keelstone for revenue teams",
    "One revenue model for the CFO, the CRO and Revenue Operations",
    (
        Section(
            "The problem",
            (
                "Most revenue teams run two forecasts: one from the CRM and one rebuilt by hand "
                "in a spreadsheet every month. They disagree, and renewals surprise everyone.",
            ),
        ),
        Section(
            "Three things that change",
            bullets=(
                "A forecast you can defend: pipeline, renewals and usage in one model.",
                "Pipeline you can act on: risk flags on the deals that decide the quarter.",
                "Renewals you see coming: falling usage flagged 90 days ahead.",
            ),
        ),
        Section(
            "For each person in the room",
            bullets=(
                "CFO: one number for the board, within a few percent of actuals.",
                "CRO: the deals at risk this week, and why.",
                "VP Revenue Operations: no monthly rebuild; definitions kept in one place.",
            ),
        ),
        Section(
            "Connects to",
            ("Salesforce, HubSpot, subscription billing systems and the main cloud warehouses.",),
        ),
    ),
)

CASE_STUDY = Document(
    "Case study: Halden Learning",
    "From a monthly spreadsheet rebuild to one revenue model in seven weeks",
    (
        Section(
            "At a glance",
            bullets=(
                "Online training for corporate learning teams; 420 employees.",
                "About 1,100 customers on annual contracts.",
                "Salesforce, a subscription billing system, a cloud data warehouse.",
                "Rollout in seven weeks, led by an implementation partner.",
            ),
        ),
        Section(
            "The situation",
            (
                "Two analysts spent the first week of every month matching pipeline and "
                "renewals by hand. The forecast missed by 14% on average.",
            ),
        ),
        Section(
            "Results after two quarters",
            bullets=(
                "Forecast within 4% of actuals, down from an average miss of 14%.",
                "The monthly rebuild is gone.",
                "Six at-risk renewals flagged 90 days out; four saved.",
            ),
        ),
        Section(
            "In the CFO's words",
            ('"The board stopped asking which number was right." - Priya Natarajan, CFO',),
        ),
    ),
)

SEQUENCE_PLANNER = Document(
    "Introduction e-mail sequence: planner",
    "Three e-mails from a first introduction to a booked meeting",
    (
        Section(
            "Day 0: introduction",
            ("Only to someone you know, about a problem they mentioned. Name one trigger.",),
        ),
        Section(
            "Day 4 to 6: follow-up",
            ("Add value rather than asking again: a question, or the one-page overview.",),
        ),
        Section(
            "Day 10 to 14: meeting request",
            ("A dated 30-minute conversation with a clear purpose; offer two times.",),
        ),
        Section(
            "Before you send",
            bullets=(
                "Register the referral first: it protects your introduction for 90 days.",
                "Ask permission before passing anyone's details on.",
                "Replace every bracket; promise no prices, discounts or dates.",
            ),
        ),
    ),
)

SLIDE_OUTLINE = Document(
    "Joint webinar: slide outline",
    "Why your forecast misses, and how to fix it in a quarter (45 minutes)",
    (
        Section(
            "1. Welcome (3 min), your host", bullets=("Who you are", "What attendees leave with")
        ),
        Section(
            "2. Why forecasts miss (10 min), your expert",
            bullets=(
                "Renewals and usage outside the CRM",
                "Stage definitions nobody follows",
                "The monthly spreadsheet rebuild",
            ),
        ),
        Section(
            "3. One revenue model (15 min), Keelstone speaker",
            bullets=("Forecast", "Deal-risk flags", "Renewal risk (no pricing)"),
        ),
        Section(
            "4. What a rollout looks like (7 min), your expert",
            bullets=("The first three weeks are about data", "Your method and timeline"),
        ),
        Section("5. Questions (8 min), both", bullets=("Seed two questions",)),
        Section("6. The offer (2 min), your host", bullets=("A 30-minute forecast review",)),
    ),
)

PROPOSAL_OUTLINE = Document(
    "Reseller proposal: executive summary outline",
    "The page a CFO actually reads, in five parts",
    (
        Section("Situation", ("The problem and its cost, in the customer's own words.",)),
        Section(
            "Outcome", ("What will be true in two quarters: a forecast within a few percent.",)
        ),
        Section(
            "Plan",
            bullets=(
                "Weeks 1-3: connections and data clean-up",
                "Weeks 4-5: stage definitions and the first forecast call",
                "Weeks 6-7: training; the spreadsheet is archived",
            ),
        ),
        Section(
            "Investment",
            ("Subscription from the current partner price list; your services, phased.",),
        ),
        Section("Next step", ("A dated decision meeting with the CFO and the CRO.",)),
    ),
)


@dataclass(frozen=True)
class KitFileSpec:
    kit: str
    name: str
    build: Callable[[], bytes]
    preview: Callable[[bytes], bytes]


def _doc(doc: Document) -> tuple[Callable[[], bytes], Callable[[bytes], bytes]]:
    return (lambda: pdf_bytes(doc)), (lambda _data: document_preview(doc))


KIT_FILES: tuple[KitFileSpec, ...] = (
    KitFileSpec("revenue-teams-one-pager", "keelstone-for-revenue-teams.pdf", *_doc(ONE_PAGER)),
    KitFileSpec(
        "revenue-teams-one-pager",
        "keelstone-banner-1200x300.png",
        lambda: banner_png(
            1200,
            300,
            "Keelstone partner",
            "One revenue number your board can trust",
            "Forecast, pipeline and renewals in one model",
        ),
        image_preview,
    ),
    KitFileSpec("case-study-halden-learning", "halden-learning-case-study.pdf", *_doc(CASE_STUDY)),
    KitFileSpec(
        "case-study-halden-learning",
        "halden-learning-social-1200x627.png",
        lambda: banner_png(
            1200,
            627,
            "Case study",
            "Forecast within 4% of actuals in two quarters",
            "Halden Learning, with a Keelstone partner",
        ),
        image_preview,
    ),
    KitFileSpec(
        "co-branded-landing-page",
        "landing-section-example.html",
        landing_section_html,
        lambda _data: page_preview("One revenue number your board can trust"),
    ),
    KitFileSpec(
        "introduction-email-sequence",
        "introduction-email.html",
        html_email,
        lambda _data: email_preview("An introduction: Keelstone and [Your firm]"),
    ),
    KitFileSpec(
        "introduction-email-sequence", "email-sequence-planner.pdf", *_doc(SEQUENCE_PLANNER)
    ),
    KitFileSpec(
        "joint-webinar-in-a-box",
        "webinar-invitation.ics",
        calendar_invite,
        lambda _data: calendar_preview("Mar", "17", "Webinar, 45 min"),
    ),
    KitFileSpec("joint-webinar-in-a-box", "webinar-slide-outline.pdf", *_doc(SLIDE_OUTLINE)),
    KitFileSpec(
        "joint-webinar-in-a-box",
        "webinar-banner-1200x627.png",
        lambda: banner_png(
            1200,
            627,
            "Live webinar",
            "Why your forecast misses, and how to fix it in a quarter",
            "[Your firm] with Keelstone · [date and time]",
        ),
        image_preview,
    ),
    KitFileSpec(
        "partnership-announcement",
        "partnership-announcement-1200x627.png",
        lambda: banner_png(
            1200,
            627,
            "Partnership news",
            "[Your firm] now works with Keelstone",
            "One revenue number for finance and sales",
        ),
        image_preview,
    ),
    KitFileSpec(
        "partnership-announcement",
        "partnership-announcement-1080x1080.png",
        lambda: banner_png(
            1080,
            1080,
            "Partnership news",
            "[Your firm] now works with Keelstone",
            "Forecasts you can defend",
        ),
        image_preview,
    ),
    KitFileSpec(
        "reseller-proposal-kit",
        "executive-summary-outline.pdf",
        *_doc(PROPOSAL_OUTLINE),
    ),
)


def build(content_dir: Path) -> list[Path]:
    """Write every kit file and its preview under `content_dir`; the paths written."""
    written = []
    for spec in KIT_FILES:
        kit_dir = content_dir / "kits" / spec.kit
        data = spec.build()
        outputs = {
            kit_dir / "files" / spec.name: data,
            kit_dir / "previews" / f"{spec.name}.png": spec.preview(data),
        }
        for path, payload in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    content_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "content"
    for path in build(content_dir):
        print(f"{path.stat().st_size:>8}  {path.relative_to(content_dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
