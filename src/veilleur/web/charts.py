"""Server-rendered SVG charts (no JavaScript library, nothing loaded from the network)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from markupsafe import Markup

from veilleur.taxonomy import label

PARIS = ZoneInfo("Europe/Paris")
# Colour-blind-safe palette (Okabe–Ito), then greys for the long tail of categories.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
    "#666666",
)


def weekly_chart(
    starts: list[datetime],
    series: dict[str, list[int]],
    lang: str = "fr",
    width: int = 640,
    height: int = 220,
) -> Markup:
    """Stacked bars: findings per week, one colour per category, with a legend and a text alternative."""
    cats = sorted(series, key=lambda c: -sum(series[c]))
    totals = [sum(series[c][i] for c in cats) for i in range(len(starts))]
    peak = max(totals) if totals and max(totals) > 0 else 2
    peak += peak % 2  # even, so that the middle grid line is a whole number
    left, bottom, top = 32, 28, 10
    plot_h = height - bottom - top
    n = max(len(starts), 1)
    slot = (width - left) / n
    bar_w = slot * 0.7
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 20 * ((len(cats) + 2) // 3)}" role="img" '
        f'aria-label="{escape(_alt(starts, totals, lang))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{round(peak * frac)}</text>'
        )
    for i, start in enumerate(starts):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for ci, cat in enumerate(cats):
            v = series[cat][i]
            if not v:
                continue
            h = plot_h * v / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[ci % len(PALETTE)]}">'
                f"<title>{escape(label(cat, lang))} : {v}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" fill="#333">'
            f"{start.astimezone(PARIS).strftime('%d/%m')}</text>"
        )
    for ci, cat in enumerate(cats):
        lx = left + (ci % 3) * ((width - left) / 3)
        ly = height + 6 + 20 * (ci // 3)
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="12" height="12" fill="{PALETTE[ci % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{lx + 16:.1f}" y="{ly + 10}" font-size="11" fill="#333">{escape(label(cat, lang))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _alt(starts: list[datetime], totals: list[int], lang: str) -> str:
    head = "Signalements par semaine" if lang == "fr" else "Findings per week"
    return (
        head
        + " : "
        + ", ".join(
            f"{s.astimezone(PARIS).strftime('%d/%m')} {t}" for s, t in zip(starts, totals, strict=True)
        )
    )


def bar_chart(rows: list[tuple[str, int, str]], width: int = 320, row_h: int = 22) -> Markup:
    """Horizontal bars (label, value, css class) for small counts such as open items by severity."""
    peak = max((v for _, v, _ in rows), default=0) or 1
    label_w = 90
    parts = [
        f'<svg class="bars" viewBox="0 0 {width} {row_h * len(rows) + 4}" role="img" '
        f'aria-label="{escape(", ".join(f"{lab} {v}" for lab, v, _ in rows))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (lab, v, cls) in enumerate(rows):
        y = i * row_h + 2
        w = (width - label_w - 40) * v / peak
        parts.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#333">{escape(lab)}</text>')
        parts.append(
            f'<rect class="{escape(cls)}" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"/>'
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#333">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
