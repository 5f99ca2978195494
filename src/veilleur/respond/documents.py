"""Documents drafted from a case: Jinja2 templates (data) rendered to Markdown, plain text or PDF
(fpdf2 + DejaVu fonts). Every mandatory field is checked before rendering; drafts to be reviewed."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from veilleur.errors import InputError, VeilleurError
from veilleur.law.catalogue import LABEL_FR, load_catalogue
from veilleur.law.deadlines import case_deadlines, format_date_fr, format_datetime_fr
from veilleur.law.deadlines import paris_date as paris_date_of
from veilleur.law.qualify import Qualification, qualify
from veilleur.records import Finding, Message
from veilleur.respond.casefile import CaseFile
from veilleur.taxonomy import is_secrecy, label

FONT_DIR = Path(os.environ.get("VEILLEUR_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FORMATS = ("pdf", "md", "txt")
MAX_QUOTE = 600
DEFAULTS = {
    "prior_contact": "aucun contact préalable avec l'auteur à ce jour",
    "harm": (
        "Ces faits portent atteinte à mon honneur, à ma considération et à ma sérénité dans l'exercice de ma "
        "profession. Le préjudice sera précisé et chiffré ultérieurement ; un certificat médical pourra être produit."
    ),
    "witnesses": "Néant à ce jour.",
    "deadline_days": "8",
    # Optional fields: empty unless given (templates test them).
    "elected_domicile": "",
    "controller_siren": "",
    "doctor_rpps": "",
    "author_address": "",
    "target": "",
}
PHAROS_CATEGORIES = {
    "threat": "Menaces ou incitation à la violence",
    "raid": "Harcèlement, incitation à commettre des infractions",
    "discrimination": "Discrimination, incitation à la haine",
    "secrecy": "Atteinte à la vie privée, diffusion d'informations personnelles",
}


class DocumentError(VeilleurError):
    """A document cannot be drafted (missing mandatory field, unsuitable case, fonts missing)."""


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    kind: str
    title_fr: str
    title_en: str
    template: str
    object: str
    required: tuple[str, ...]
    requires_public: bool = False


@dataclass
class Parties:
    """Who sends the document, and the per-document options (``opts``: court_city, reply_text...)."""

    name: str = ""
    email: str = ""
    address: str = ""  # lines separated by newlines or " / "
    phone: str = ""
    capacity: str = ""
    city: str = ""  # "Fait à ..."
    opts: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False  # DSA 16(2)(c) exception only (child sexual abuse offences)

    @classmethod
    def from_settings(cls, values: dict[str, Any], overrides: dict[str, str] | None = None) -> Parties:
        sender = dict((values.get("respond") or {}).get("sender") or {})
        opts = {k: str(v) for k, v in ((values.get("respond") or {}).get("options") or {}).items()}
        p = cls()
        for k in ("name", "email", "address", "phone", "capacity", "city"):
            if sender.get(k):
                setattr(p, k, str(sender[k]))
        p.opts.update(opts)
        for k, v in (overrides or {}).items():
            if k in ("name", "email", "address", "phone", "capacity", "city"):
                setattr(p, k, v)
            else:
                p.opts[k] = v
        return p


@lru_cache(maxsize=2)
def load_specs() -> dict[str, DocumentSpec]:
    text = resources.files("veilleur.respond").joinpath("documents.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {
        kind: DocumentSpec(
            kind=kind,
            title_fr=d["title"]["fr"],
            title_en=d["title"]["en"],
            template=d["template"],
            object=d["object"],
            required=tuple(d.get("required") or ()),
            requires_public=bool(d.get("requires_public", False)),
        )
        for kind, d in data["documents"].items()
    }


def kinds() -> list[str]:
    return list(load_specs())


def _flat(text: str, limit: int = MAX_QUOTE) -> str:
    t = " ".join(text.split())
    return t if len(t) <= limit else t[: limit - 1].rstrip() + "…"


# Findings whose spans name or single out a patient in the message text.
_PATIENT_TEXT_CATEGORIES = frozenset({"patient_identifiable_text"})


def masked_quote(message: Message, findings: Sequence[Finding]) -> tuple[str, int]:
    """The message text with what identifies a patient replaced by its nature ("[nom]", "[âge]",
    "[chambre/lit]"): a letter to a platform, the Ordre or the CNIL shows that a patient is
    identifiable without disclosing them again (data minimisation). The exact text stays in the sealed
    evidence. Returns the text and the number of passages masked."""
    from veilleur.detect.secrecy.analysis import FR_NAMES

    spans = sorted(
        {(sp.start, sp.end, sp.label) for f in findings if f.message_uid == message.uid
         and f.category in _PATIENT_TEXT_CATEGORIES for sp in f.spans
         if sp.label in FR_NAMES and 0 <= sp.start < sp.end <= len(message.text)}
    )
    merged: list[list[Any]] = []
    for start, end, lab in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, lab])
    text = message.text
    for start, end, lab in reversed(merged):
        text = text[:start] + f"[{FR_NAMES[lab]}]" + text[end:]
    return text, len(merged)


def _lookup(ctx: dict[str, Any], dotted: str) -> Any:
    node: Any = ctx
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def build_context(
    kind: str,
    cf: CaseFile,
    parties: Parties,
    q: Qualification | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything a template may use; raises DocumentError naming each missing mandatory field."""
    specs = load_specs()
    if kind not in specs:
        raise DocumentError(f"unknown document kind {kind!r}; kinds: {', '.join(specs)}")
    spec = specs[kind]
    now = now or datetime.now(UTC)
    case = cf.case
    size = case.context.community_size
    # A large closed group may still be "public" (no communauté d'intérêts): allowed, and said so.
    doubtful = not case.context.public and size is not None and size >= load_catalogue().doubtful_closed_group_size
    if spec.requires_public and not case.context.public and not doubtful:
        raise DocumentError(
            f"{kind}: this document only applies to public content / ce document ne vaut que pour un contenu public"
        )
    q = q or qualify(case, cf.messages, cf.findings, now=now)
    deadlines = case_deadlines(q)
    msgs = cf.messages_sorted()
    by_msg: dict[str, list[str]] = {}
    for f in cf.findings:
        by_msg.setdefault(f.message_uid, []).append(label(f.category))
    full_quotes = parties.opts.get("full_quotes", "").lower() in ("1", "yes", "oui", "true")
    facts = []
    for m in msgs:
        if cf.findings and m.uid not in by_msg:
            continue
        quote, masked = (m.text, 0) if full_quotes else masked_quote(m, cf.findings)
        facts.append({
            "datetime_fr": format_datetime_fr(m.created_at),
            "date_fr": format_date_fr(m.created_at),
            "author": m.author.name,
            "where": f"{m.source}, « {m.community_name} »",
            "location": m.url or f"{m.source} / {m.community_name} / message n° {m.message_id} (sans URL)",
            "text": _flat(quote),
            "masked": masked,
            "categories": ", ".join(sorted(set(by_msg.get(m.uid, [])))),
        })

    def offence_view(c: Any) -> dict[str, Any]:
        o = c.offence
        # Letters give facts in words, not detector scores.
        context = [r[0].lower() + r[1:] for r in c.reasons if "constat(s)" not in r and "manuellement" not in r]
        found = sorted({label(f.category).lower() for f in cf.findings if f.id in c.finding_ids})
        reasons = "; ".join(context + ([f"éléments relevés : {', '.join(found)}"] if found else []))
        return {
            "id": o.id,
            "name": o.name_fr + ("" if c.strength == "probable" else " (à confirmer)"),
            "reference": o.legal_reference(include_prescription=False),
            "penalty_reference": o.penalty_reference(),
            "penalty": o.penalty_base[0],
            "strength": c.strength,
            "reasons": reasons or "qualification retenue après examen",
            "last_day_fr": format_date_fr(c.last_day) if c.last_day else "",
        }

    today = paris_date_of(now)
    # A complaint or formal notice should not rely on a time-barred offence; a platform notice may.
    keep_expired = kind in ("dsa_notice", "cnil_complaint")
    offences = [
        offence_view(c) for c in q.candidates
        if c.offence.kind in ("delit", "contravention") and (keep_expired or c.last_day is None or c.last_day >= today)
    ]  # fmt: skip
    deontology = [offence_view(c) for c in q.candidates if c.offence.kind == "deontology"]
    press = [
        d for d in deadlines
        if d.kind == "prescription" and d.rule.startswith("Loi 1881") and not d.expired(now)
    ]  # fmt: skip
    reply = [d for d in deadlines if d.kind == "droit_de_reponse"]
    if reply and reply[0].expired(now) and kind == "droit_de_reponse":
        raise DocumentError(
            f"{kind}: the 3-month window closed on {format_date_fr(reply[0].last_day)} / délai de 3 mois expiré"
        )
    authors = sorted({m.author.name for m in msgs if m.uid in by_msg or not cf.findings})
    cats = {f.category for f in cf.findings}
    if "threat" in cats:
        pharos_category = PHAROS_CATEGORIES["threat"]
    elif any(c.startswith("discrimination:") for c in cats):
        pharos_category = PHAROS_CATEGORIES["discrimination"]
    elif any(is_secrecy(c) for c in cats):
        pharos_category = PHAROS_CATEGORIES["secrecy"]
    else:
        pharos_category = PHAROS_CATEGORIES["raid"]
    address_lines = [x.strip() for x in re.split(r"\n| / ", parties.address) if x.strip()]
    opts = {**DEFAULTS, **{k: v for k, v in parties.opts.items() if v}}
    if opts.get("prior_request_date"):
        try:
            opts["prior_request_date_fr"] = format_date_fr(date.fromisoformat(opts["prior_request_date"]))
        except ValueError:
            raise InputError("--set prior_request_date", "expected a date YYYY-MM-DD") from None
    platform = parties.opts.get("platform") or (msgs[0].source.capitalize() if msgs else "")
    ctx: dict[str, Any] = {
        "doc": {
            "kind": kind,
            "title": spec.title_fr,
            "object": spec.object,
            "date_fr": format_date_fr(now),
            "place": parties.city or "Fait",
            "anonymous": parties.anonymous and bool(cats & {"minor_in_media"}) and bool(cats & {"sexual", "nudity"}),
        },
        "sender": {
            "name": parties.name,
            "email": parties.email,
            "address": parties.address,
            "address_lines": address_lines,
            "address_inline": ", ".join(address_lines),
            "phone": parties.phone,
            "capacity": parties.capacity,
        },
        "case": {"id": case.id, "title": case.title, "kind": case.kind},
        "platform": platform,
        "community": msgs[0].community_name if msgs else "",
        "access": "accès public" if case.context.public else (
            f"groupe fermé de {size} membres, dont la taille ne permet pas de parler de communauté d'intérêts"
            if doubtful else "espace à accès restreint"
        ),
        "target": opts.get("target", ""),
        "facts": facts,
        "offences": offences,
        "deontology": deontology,
        # The Ordre hears a complaint against a doctor author, or supports a targeted doctor (loi 2025-623).
        "ordre_mode": "discipline" if deontology else ("support" if case.context.target_is_health_professional else ""),
        "authors": ", ".join(authors),
        "plural": "s" if len(authors) > 1 else "",
        "authors_known": case.context.author_known and bool(authors),
        "evidence": [e.to_dict() for e in cf.evidence],
        "evidence_sealed": all(e.sealed for e in cf.evidence),
        "first_publication_fr": format_datetime_fr(q.first_publication) if q.first_publication else "",
        "has_press": bool(press),
        "press_deadline_fr": format_date_fr(min(d.last_day for d in press)) if press else "",
        "reply_deadline_fr": format_date_fr(reply[0].last_day) if reply else "",
        "has_secrecy": any(is_secrecy(c) for c in cats),
        "has_threat": "threat" in cats,
        "minor": case.context.minor_involved,
        "pharos_category": pharos_category,
        "opts": opts,
        "label": LABEL_FR,
    }
    if ctx["doc"]["anonymous"]:
        required = tuple(r for r in spec.required if r not in ("sender.name", "sender.email"))
    else:
        required = spec.required
    missing = [r for r in required if _lookup(ctx, r) in (None, "", [], {})]
    if missing:
        hints = {
            "sender.name": "--set name=…", "sender.email": "--set email=…", "sender.address": "--set address=…",
            "opts.court_city": "--set court_city=…", "opts.ordre_department": "--set ordre_department=…",
            "opts.reply_text": "--set reply_text=…", "opts.prior_request_date": "--set prior_request_date=YYYY-MM-DD",
            "platform": "--set platform=…", "offences": "(no candidate offence / aucune infraction candidate)",
            "ordre_mode": "(author not a doctor and target not a health professional / ni auteur médecin ni soignant visé)", "facts": "(no message / aucun message)",
            "evidence": "(no evidence item / aucune pièce)", "authors": "(author unknown / auteur inconnu)",
        }  # fmt: skip
        raise DocumentError(
            f"{kind}: missing mandatory field(s) / champ(s) obligatoire(s) manquant(s): "
            + ", ".join(f"{m} {hints.get(m, '')}".strip() for m in missing)
        )
    return ctx


def _drawable(value: str) -> str:
    # The sealed pièce keeps the exact text; the letter shows a visible marker for each missing glyph.
    from veilleur.evidence.render import covered_codepoints

    cov = covered_codepoints(_fonts()[""])
    return "".join(ch if ord(ch) in cov or ch in "\n\t" else f"[U+{ord(ch):04X}]" for ch in value)


def _pdf_escape(value: str) -> str:
    # fpdf2's markdown treats **, __, ~~ and -- as style markers: escape them in user text.
    value = _drawable(value).replace("\\", "\\\\")
    for marker in ("**", "__", "~~", "--"):
        value = value.replace(marker, "\\" + marker)
    return value


def _environment(for_pdf: bool) -> jinja2.Environment:
    def finalize(value: Any) -> Any:
        if value is None:
            raise DocumentError("a template printed an empty value (None)")
        if for_pdf and isinstance(value, str):
            return _pdf_escape(value)
        return value

    return jinja2.Environment(
        loader=jinja2.PackageLoader("veilleur.respond", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )


def render_markup(kind: str, ctx: dict[str, Any], for_pdf: bool = False) -> str:
    """The template's output, with layout fences (``::: sender`` ...)."""
    spec = load_specs()[kind]
    try:
        text = _environment(for_pdf).get_template(spec.template).render(**ctx)
    except jinja2.UndefinedError as exc:
        raise DocumentError(f"{kind}: template uses an unknown field ({exc.message})") from None
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    problems = [p for p in ("None", "{{", "}}", "{%") if p in text]
    if problems:
        raise DocumentError(f"{kind}: rendered text contains {problems} (unfilled field)")
    return text


def to_markdown(markup: str) -> str:
    out = [line for line in markup.splitlines() if not line.startswith(":::")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def to_text(markup: str) -> str:
    lines = []
    for line in to_markdown(markup).splitlines():
        line = line.replace("**", "")
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            line = f"{title}\n{'=' * len(title) if line.startswith('# ') else '-' * len(title)}"
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def render(kind: str, cf: CaseFile, parties: Parties, fmt: str = "md", now: datetime | None = None) -> bytes:
    """The document as bytes in ``fmt`` (pdf, md or txt)."""
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown format {fmt!r}; expected {', '.join(FORMATS)}")
    ctx = build_context(kind, cf, parties, now=now)
    if fmt == "pdf":
        return render_pdf(render_markup(kind, ctx, for_pdf=True), load_specs()[kind].title_fr, cf.case.id)
    markup = render_markup(kind, ctx)
    return (to_markdown(markup) if fmt == "md" else to_text(markup)).encode("utf-8")


def _fonts() -> dict[str, Path]:
    files = {
        "": "DejaVuSerif.ttf",
        "B": "DejaVuSerif-Bold.ttf",
        "I": "DejaVuSerif-Italic.ttf",
        "BI": "DejaVuSerif-BoldItalic.ttf",
        "mono": "DejaVuSansMono.ttf",
    }
    paths = {k: FONT_DIR / v for k, v in files.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise DocumentError(
            f"DejaVu fonts not found ({', '.join(missing)}): install the Debian package fonts-dejavu-core "
            "or set VEILLEUR_FONT_DIR / polices DejaVu absentes"
        )
    return paths


def render_pdf(markup: str, title: str, case_id: str) -> bytes:
    """Lays out the markup as an A4 letter: sender block, recipient block, date, object, body, pièces, signature."""
    from fpdf import FPDF

    fonts = _fonts()

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("serif", "I", 7.5)
            self.set_text_color(110)
            self.cell(
                0, 3.5, f"Projet établi avec veilleur (dossier {case_id}) : à relire et compléter avant envoi.",
                align="C", new_x="LMARGIN", new_y="NEXT",
            )  # fmt: skip
            self.cell(
                0, 3.5, f"Qualifications indicatives, pas un avis juridique.  Page {self.page_no()}/{{nb}}", align="C"
            )
            self.set_text_color(0)

    pdf = Letter(format="A4", unit="mm")
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(title)
    pdf.set_author("veilleur")
    for style in ("", "B", "I", "BI"):
        pdf.add_font("serif", style, str(fonts[style]))
    pdf.add_font("mono", "", str(fonts["mono"]))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    block: str | None = None
    block_lines: list[str] = []

    def flush_block() -> None:
        nonlocal block_lines
        if block == "sender":
            pdf.set_font("serif", "B", 10.5)
            pdf.multi_cell(90, 5, block_lines[0], markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("serif", "", 10)
            for ln in block_lines[1:]:
                pdf.multi_cell(90, 4.8, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        elif block == "recipient":
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.set_x(pdf.l_margin + width * 0.52)
                pdf.multi_cell(width * 0.48, 5, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        elif block == "right":
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.multi_cell(width, 5, ln, align="R", markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif block == "signature":
            pdf.ln(6)
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.set_x(pdf.l_margin + width * 0.55)
                pdf.multi_cell(width * 0.45, 5, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(14)
        block_lines = []

    for raw in markup.splitlines():
        if raw.startswith(":::"):
            name = raw[3:].strip()
            if name:
                block = name
            else:
                flush_block()
                block = None
            continue
        if block is not None:
            if raw.strip():
                block_lines.append(raw)
            continue
        line = raw.rstrip()
        if not line:
            pdf.ln(2.5)
        elif line.startswith("# "):
            pdf.set_font("serif", "B", 14)
            pdf.multi_cell(width, 7, line[2:], align="C", markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif line.startswith("## "):
            pdf.ln(2)
            pdf.set_font("serif", "B", 11)
            pdf.multi_cell(width, 6, line[3:], markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif line.startswith("> "):
            pdf.set_font("serif", "I", 10)
            pdf.set_x(pdf.l_margin + 8)
            pdf.set_text_color(40)
            pdf.multi_cell(width - 8, 5, "« " + line[2:] + " »", markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0)
            pdf.ln(1)
        elif line.startswith("- "):
            pdf.set_font("serif", "", 10.5)
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(5, 5.2, "•")
            pdf.multi_cell(width - 7, 5.2, line[2:], markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        elif line.startswith("  ") and "SHA-256" in line:
            pdf.set_font("mono", "", 7.8)
            pdf.set_x(pdf.l_margin + 7)
            pdf.multi_cell(width - 7, 4.2, line.strip().replace("\\", ""), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
        elif line.startswith("   "):
            pdf.set_font("serif", "", 9.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(width - 6, 4.8, line.strip(), markdown=True, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("serif", "", 10.5)
            pdf.multi_cell(width, 5.2, line, align="J", markdown=True, new_x="LMARGIN", new_y="NEXT")
    if block is not None:
        flush_block()
    return bytes(pdf.output())
