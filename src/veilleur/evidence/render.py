"""Rendering helpers: Paris-time formatting, DejaVu fonts, and the message "card" (PNG and PDF)
that shows a stored message with author, date and time as the platform showed them."""

from __future__ import annotations

import io
import textwrap
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from veilleur.errors import ConfigError

PARIS = ZoneInfo("Europe/Paris")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
MAX_CARD_CHARS = 4000


def font_file(bold: bool = False, mono: bool = False) -> Path:
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    p = FONT_DIR / f"{name}{'-Bold' if bold else ''}.ttf"
    if not p.exists():
        raise ConfigError(f"font {p} missing: install the Debian package fonts-dejavu-core")
    return p


def paris(dt: datetime) -> str:
    """``14/03/2026 à 14:05:00 (heure de Paris, UTC+01:00)``."""
    local = dt.astimezone(PARIS)
    off = local.strftime("%z")
    return f"{local.strftime('%d/%m/%Y à %H:%M:%S')} (heure de Paris, UTC{off[:3]}:{off[3:]})"


def utc_text(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")


@lru_cache(maxsize=8)
def covered_codepoints(font: Path) -> frozenset[int]:
    """Code points a TrueType font can draw (DejaVu lacks most emoji)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(font))["cmap"].getBestCmap())


def drawable(text: str) -> tuple[str, int]:
    """Text the card fonts can draw: each character they lack (emoji 🐀, 🤡…) becomes its Unicode name,
    "[U+1F400 RAT]", so that nothing the author wrote silently disappears from the picture. Returns the
    text and the number of characters named. Variation selectors and joiners are dropped."""
    cov = covered_codepoints(font_file())
    out: list[str] = []
    named = 0
    for ch in text:
        cp = ord(ch)
        if cp in cov or ch in "\n\t":
            out.append(ch)
        elif cp in (0x200D, 0xFE0E, 0xFE0F) or 0x1F3FB <= cp <= 0x1F3FF:
            continue  # joiner, emoji presentation selector, skin tone: part of the previous symbol
        else:
            named += 1
            out.append(f"[U+{cp:04X} {unicodedata.name(ch, 'caractère inconnu')}]")
    return "".join(out), named


def card_lines(msg: dict[str, Any], observed: dict[str, Any]) -> list[tuple[str, str]]:
    """(style, text) lines of the card; style is title, meta, body or foot."""
    created = datetime.fromisoformat(msg["created_at"])
    text, named = drawable(msg.get("text") or "")
    truncated = len(text) > MAX_CARD_CHARS
    lines: list[tuple[str, str]] = [
        ("title", drawable(msg["author"]["name"])[0]),
        ("meta", f"Publié le {paris(created)}"),
        ("meta", f"Soit {utc_text(created)}"),
        (
            "meta",
            f"Plateforme : {msg['source']} · Communauté : {msg['community_name']} · Type : {msg.get('kind', '')}",
        ),
    ]
    if msg.get("url"):
        lines.append(("meta", f"Adresse : {msg['url']}"))
    lines.append(("rule", ""))
    lines.extend(("body", para) for para in (text[:MAX_CARD_CHARS] or "(message sans texte)").split("\n"))
    if truncated:
        lines.append(("meta", f"(texte tronqué à l'affichage : {len(text)} caractères, voir message.json)"))
    if named:
        lines.append(
            (
                "meta",
                f"({named} symbole(s) que la police ne dessine pas (emoji) remplacé(s) par leur nom "
                "Unicode entre crochets ; texte exact dans message.json)",
            )
        )
    for a in msg.get("attachments", []):
        lines.append(
            ("meta", f"Pièce jointe : {a['name']} ({a['media_type']}, sha256 {a.get('sha256') or 'absente'})")
        )
    lines.append(("rule", ""))
    lines.append(("foot", f"Identifiant plateforme : {msg['message_id']} · veilleur : {msg['uid']}"))
    lines.append(("foot", f"Auteur (identifiant plateforme) : {msg['author']['id']}"))
    lines.append(("foot", f"Enregistrement source SHA-256 : {observed.get('raw_sha256', '')}"))
    lines.append(("foot", f"Rendu par veilleur le {paris(datetime.fromisoformat(observed['rendered_at']))}"))
    return lines


def render_card_png(msg: dict[str, Any], observed: dict[str, Any], width: int = 1000) -> bytes:
    fonts = {
        "title": ImageFont.truetype(str(font_file(bold=True)), 26),
        "meta": ImageFont.truetype(str(font_file()), 17),
        "body": ImageFont.truetype(str(font_file()), 21),
        "foot": ImageFont.truetype(str(font_file(mono=True)), 14),
    }
    margin, gap = 30, 8
    wrapped: list[tuple[str, str]] = []
    for style, text in card_lines(msg, observed):
        if style == "rule":
            wrapped.append((style, ""))
            continue
        font = fonts[style]
        avg = max(1.0, font.getlength("abcdefghij mnopqrstuvwxyz") / 26)
        per_line = max(20, int((width - 2 * margin) / avg))
        for chunk in textwrap.wrap(text, per_line, break_long_words=True, replace_whitespace=False) or [""]:
            wrapped.append((style, chunk))
    heights = {k: int(f.getbbox("Ag")[3]) + gap for k, f in fonts.items()}
    height = margin * 2 + sum(heights.get(s, 14) for s, _ in wrapped)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([4, 4, width - 5, height - 5], outline=(180, 180, 190), width=2)
    y = margin
    for style, text in wrapped:
        if style == "rule":
            draw.line([margin, y + 5, width - margin, y + 5], fill=(200, 200, 200), width=1)
            y += 14
            continue
        color = {"title": (20, 40, 90), "meta": (90, 90, 90), "body": (0, 0, 0), "foot": (110, 110, 110)}[
            style
        ]
        draw.text((margin, y), text, font=fonts[style], fill=color)
        y += heights[style]
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def new_pdf() -> Any:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(font_file()))
    pdf.add_font("DejaVu", "B", str(font_file(bold=True)))
    pdf.add_font("DejaVuMono", "", str(font_file(mono=True)))
    pdf.set_creator("veilleur")
    return pdf


def render_card_pdf(msg: dict[str, Any], observed: dict[str, Any]) -> bytes:
    pdf = new_pdf()
    pdf.add_page()
    sizes = {
        "title": ("DejaVu", "B", 15),
        "meta": ("DejaVu", "", 9.5),
        "body": ("DejaVu", "", 11),
        "foot": ("DejaVuMono", "", 7.5),
    }
    for style, text in card_lines(msg, observed):
        if style == "rule":
            pdf.ln(2)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(2)
            continue
        family, st, size = sizes[style]
        pdf.set_font(family, st, size)
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    return bytes(pdf.output())
