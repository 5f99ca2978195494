"""A one-page verification receipt that a non-technician understands: green or red, what was checked, which
time-stamping authority said what time, and which file failed. HTML (self-contained, printable) and PDF."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veilleur import __version__
from veilleur.evidence.render import paris

KIND_FR = {"altered": "modifié", "added": "ajouté", "removed": "retiré", "invalid": "invalide"}
ASSURANCE_FR = {
    "timestamped": "Intact et horodaté : une autorité d'horodatage indépendante atteste que ces fichiers existaient "
    "à la date indiquée et n'ont pas changé depuis.",
    "partly timestamped": "Intact, mais horodaté en partie seulement : les dernières entrées (souvent l'export) ne sont "
    "pas couvertes par un jeton d'horodatage.",
    "self-consistency only": "Cohérent, mais sans horodatage : le dossier est cohérent avec lui-même, mais aucun tiers "
    "n'atteste sa date ; quelqu'un qui détient le coffre pourrait l'avoir reconstruit.",
}


def _when(iso: str) -> str:
    try:
        return paris(datetime.fromisoformat(iso.replace("Z", "+00:00")))
    except ValueError:
        return iso


def receipt_facts(report: Any, bundle: str | Path) -> dict[str, Any]:
    """What the receipt says, from a ``VerifyReport`` (or a WACZ problem list wrapped the same way)."""
    ok = bool(report.ok)
    checks = [
        f"{report.files_checked} fichier(s) : chaque empreinte SHA-256 recalculée et comparée",
        f"{report.entries_checked} entrée(s) du journal de conservation : chaînage vérifié",
        f"{report.items_checked} pièce(s) : comparées à leur enregistrement d'origine dans le journal",
        f"{report.tokens_checked} jeton(s) d'horodatage RFC 3161 : signature de l'autorité vérifiée",
    ]
    failed = [
        {"file": p.where, "what": KIND_FR.get(p.kind, p.kind), "detail": p.message} for p in report.problems
    ]
    return {
        "bundle": Path(bundle).name,
        "ok": ok,
        "verdict": "VÉRIFIÉ — rien n'a été modifié"
        if ok
        else "ÉCHEC — le dossier a été modifié ou est incomplet",
        "assurance": ASSURANCE_FR.get(report.assurance, report.assurance) if ok else None,
        "checks": checks,
        "timestamps": [
            {"seq": t["seq"], "time": _when(t["gen_time"]), "tsa": t["tsa"]} for t in report.timestamps
        ],
        "failed": failed,
        "warnings": list(report.warnings),
        "verified_at": paris(datetime.now(UTC)),
        "software": f"veilleur {__version__}",
    }


def receipt_html(f: dict[str, Any]) -> str:
    e = html.escape
    color, bg = ("#0a6b2d", "#e3f6e8") if f["ok"] else ("#a4161a", "#fde4e4")
    rows = "".join(f"<li>{e(c)}</li>" for c in f["checks"])
    tsa = "".join(
        f"<tr><td>entrée n° {t['seq']}</td><td>{e(t['time'])}</td><td>{e(t['tsa'])}</td></tr>"
        for t in f["timestamps"]
    )
    tsa_block = (
        f"<h2>Horodatage</h2><table><tr><th>Quoi</th><th>Date attestée</th><th>Autorité</th></tr>{tsa}</table>"
        if tsa
        else "<h2>Horodatage</h2><p>Aucun jeton d'horodatage : la date n'est attestée par aucun tiers.</p>"
    )
    fail = ""
    if f["failed"]:
        items = "".join(
            f"<tr><td><code>{e(x['file'])}</code></td><td>{e(x['what'])}</td><td>{e(x['detail'])}</td></tr>"
            for x in f["failed"][:40]
        )
        more = f"<p>… et {len(f['failed']) - 40} autre(s).</p>" if len(f["failed"]) > 40 else ""
        fail = f"<h2>Ce qui a échoué</h2><table><tr><th>Fichier ou entrée</th><th>Problème</th><th>Détail</th></tr>{items}</table>{more}"
    assurance = f"<p class='a'>{e(f['assurance'])}</p>" if f["assurance"] else ""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Reçu de vérification — {e(f["bundle"])}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:50em;margin:2em auto;color:#222}}
.v{{background:{bg};color:{color};border:3px solid {color};padding:1em;font-size:1.5em;font-weight:bold;text-align:center}}
.a{{font-size:1.05em}} table{{border-collapse:collapse;width:100%}} td,th{{border:1px solid #bbb;padding:.3em;text-align:left;font-size:.9em}}
code{{word-break:break-all}} footer{{color:#666;font-size:.8em;margin-top:2em}} @media print{{body{{margin:0}}}}</style></head><body>
<h1>Reçu de vérification</h1><p>Dossier : <b>{e(f["bundle"])}</b> — vérifié le {e(f["verified_at"])}</p>
<div class="v" id="verdict">{e(f["verdict"])}</div>{assurance}
<h2>Ce qui a été vérifié</h2><ul>{rows}</ul>{tsa_block}{fail}
<footer>Vérifié par {e(f["software"])}. On peut refaire ces vérifications sans veilleur : voir VERIFIER.txt dans le dossier
(sha256sum et openssl).</footer></body></html>
"""


def receipt_pdf(f: dict[str, Any]) -> bytes:
    from veilleur.evidence.render import drawable, new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, "Reçu de vérification", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5,
        drawable(f"Dossier : {f['bundle']} — vérifié le {f['verified_at']}")[0],
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_fill_color(*((227, 246, 232) if f["ok"] else (253, 228, 228)))
    pdf.set_text_color(*((10, 107, 45) if f["ok"] else (164, 22, 26)))
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0, 12, drawable(f["verdict"])[0], border=1, align="C", fill=True, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)
    if f["assurance"]:
        pdf.ln(1)
        pdf.multi_cell(0, 5, drawable(f["assurance"])[0], new_x="LMARGIN", new_y="NEXT")
    sections: list[tuple[str, list[str]]] = [("Ce qui a été vérifié", [f"• {c}" for c in f["checks"]])]
    sections.append(
        (
            "Horodatage",
            [f"• entrée n° {t['seq']} : {t['time']} — {t['tsa']}" for t in f["timestamps"]]
            or ["Aucun jeton d'horodatage : la date n'est attestée par aucun tiers."],
        )
    )
    if f["failed"]:
        sections.append(
            ("Ce qui a échoué", [f"• {x['file']} : {x['what']} — {x['detail']}" for x in f["failed"][:25]])
        )
    for title, lines in sections:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9.5)
        for line in lines:
            pdf.multi_cell(0, 5, drawable(line)[0], new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(
        0,
        4,
        drawable(
            f"Vérifié par {f['software']}. Vérification refaisable sans veilleur : VERIFIER.txt (sha256sum, openssl)."
        )[0],
    )
    return bytes(pdf.output())


def write_receipt(report: Any, bundle: str | Path, out: str | Path) -> Path:
    """``out`` ending in .pdf gives a PDF, anything else HTML."""
    facts = receipt_facts(report, bundle)
    p = Path(out)
    if p.suffix.lower() == ".pdf":
        p.write_bytes(receipt_pdf(facts))
    else:
        p.write_text(receipt_html(facts), encoding="utf-8")
    return p


__all__ = ["receipt_facts", "receipt_html", "receipt_pdf", "write_receipt"]
