"""End to end on the demo (fictional) data: import, gold labels as findings, the two demo cases,
candidate offences with deadlines, the playbook's next step, and every document as PDF; every quote is
exactly the author's words, and no document of the secrecy case lets a patient be recognised."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from veilleur.records import Finding, stable_id
from veilleur.taxonomy import Severity

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
pytestmark = pytest.mark.skipif(
    not (DEMO / "cases.yaml").exists() or not (DEMO / "facebook-export").exists(),
    reason="demo data not built",
)
PARTIES = {
    "name": "Dr Hélène Marchetti", "email": "h.marchetti@example.org",
    "address": "Centre de santé des Marronniers\n03100 Montluçon", "address_kind": "professional",
    "city": "Montluçon", "court_city": "Montluçon", "ordre_department": "Allier", "prior_request_date": "2026-04-20",
    "reply_text": "Je conteste ces propos.", "pharos_override": "oui",
}  # fmt: skip
SECRET_PARTIES = {
    **PARTIES, "name": "Équipe de modération du groupe", "reporter_role": "moderator",
    "signatory": "Claire Dubois (modératrice)",
}  # fmt: skip
RESPONDENT = {"demo-harcelement-marchetti": "Thierry Vasseur", "demo-secret-medical-mineurs": "Marion Texier"}
# What a reader could recognise the demo's patients by (written by hand, independent of the detector):
# names, small towns, rare diseases, named hospitals and floors, school, schedule, pregnancy and IVG.
PATIENT_DETAILS = (
    "Enzo", "Marchand", "Inès", "Noah", "Gentioux", "Royère", "Vassivière", "Riom", "Estaing", "Limoges",
    "CRCM", "CHU de Clermont", "chambre 12", "au 3e", "Rett", "mucoviscidose", "progéria", "LAL en rechute",
    "greffe pulmonaire", "12/01/2022", "6h50", "car de", "collégienne", "boulanger", "enceinte", "IVG", "10 SA",
    "journal régional", "naturopathe",
)  # fmt: skip
QUOTE = re.compile(r"^> « (.*) »$", re.MULTILINE)


def _store_with_demo():  # type: ignore[no-untyped-def]
    from veilleur.config import load_settings
    from veilleur.ingest.importer import import_path
    from veilleur.respond.demo_cases import create_demo_cases
    from veilleur.store import Store

    store = Store.open(load_settings())
    import_path(store, DEMO / "facebook-export")
    community = yaml.safe_load((DEMO / "cases.yaml").read_text(encoding="utf-8"))["cases"][0]["community_id"]
    findings = []
    for line in (DEMO / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        uid = stable_id("facebook", community, row["message_id"], prefix="m_")
        findings += [Finding(uid, "gold", "demo", c, Severity.HIGH, 1.0) for c in row["categories"]]
    store.save_findings(findings)
    assert sorted(create_demo_cases(store, DEMO / "cases.yaml")) == [
        "demo-harcelement-marchetti",
        "demo-secret-medical-mineurs",
    ]
    assert create_demo_cases(store, DEMO / "cases.yaml") == []  # idempotent
    return store


def test_demo_cases_end_to_end(tmp_path: Path) -> None:
    from veilleur.respond.casefile import load_casefile
    from veilleur.respond.documents import DocumentError, Parties, kinds
    from veilleur.respond.service import generate_document, summarize

    store = _store_with_demo()
    expected = {
        "demo-harcelement-marchetti": {
            "harcelement_moral_en_ligne",
            "injure_non_publique",
            "menaces",
            "deonto_confraternite",
        },
        "demo-secret-medical-mineurs": {"violation_secret_professionnel", "deonto_secret"},
    }
    refused = {
        ("demo-secret-medical-mineurs", "demande_effacement"),
        ("demo-secret-medical-mineurs", "droit_de_reponse"),
    }
    for case_id, must in expected.items():
        cf = load_casefile(store, case_id)
        assert all(
            m.url and m.url.startswith("https://www.facebook.com/groups/") for m in cf.messages
        )  # permalinks kept
        s = summarize(cf)
        assert must <= set(s.qualification.offence_ids()), case_id
        assert s.deadlines and s.playbook.next_step is not None
        reply = [d for d in s.deadlines if d.kind == "droit_de_reponse"]
        base = SECRET_PARTIES if "secret" in case_id else PARTIES
        texts = {m.uid: " ".join(m.text.split()) for m in cf.messages}
        for kind in kinds():
            parties = Parties.from_settings({}, {**base, "respondent": RESPONDENT[case_id]})
            if (case_id, kind) in refused:
                with pytest.raises(DocumentError):
                    generate_document(cf, kind, parties, "md")
                continue
            if kind == "droit_de_reponse" and reply and reply[0].expired(datetime.now(UTC)):
                with pytest.raises(DocumentError, match="3-month"):  # the demo's posts are from April 2026
                    generate_document(cf, kind, parties, "pdf")
                continue
            pdf, meta = generate_document(cf, kind, parties, "pdf")
            assert pdf.startswith(b"%PDF") and len(meta["sha256"]) == 64
            (tmp_path / f"{case_id}-{kind}.pdf").write_bytes(pdf)
            for fmt in ("md", "txt"):
                text = generate_document(cf, kind, parties, fmt)[0].decode("utf-8")
                # A1: between « and » on a quote line, exactly one message's words, nothing else.
                quotes = QUOTE.findall(text)
                assert all(q in texts.values() for q in quotes), (
                    case_id,
                    kind,
                    [q for q in quotes if q not in texts.values()],
                )
                assert not re.search(r"»\S", text.replace("»,", "» ").replace("».", "» ").replace("»)", "» "))
                if "secret" in case_id:
                    assert quotes == [], (kind, quotes)  # A3: a patient's story is never quoted
                    for detail in PATIENT_DETAILS:
                        assert detail.lower() not in text.lower(), (kind, detail)
                elif kind not in ("reponse_pacifique", "demande_effacement"):
                    assert quotes, kind
