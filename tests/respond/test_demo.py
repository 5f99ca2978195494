"""End to end on the demo (fictional) data: import, gold labels as findings, the two demo cases,
candidate offences with deadlines, the playbook's next step, and every document as PDF."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from veilleur.records import Finding, stable_id
from veilleur.taxonomy import Severity

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
pytestmark = pytest.mark.skipif(
    not (DEMO / "cases.yaml").exists() or not (DEMO / "facebook-export").exists(), reason="demo data not built"
)
PARTIES = {
    "name": "Dr Hélène Marchetti", "email": "h.marchetti@example.org", "address": "3 rue de la Paix\n03100 Montluçon",
    "city": "Montluçon", "court_city": "Montluçon", "ordre_department": "Allier", "prior_request_date": "2026-04-20",
    "reply_text": "Je conteste ces propos.",
}  # fmt: skip


def test_demo_cases_end_to_end(tmp_path: Path) -> None:
    from veilleur.config import load_settings
    from veilleur.ingest.importer import import_path
    from veilleur.respond.casefile import load_casefile
    from veilleur.respond.demo_cases import create_demo_cases
    from veilleur.respond.documents import DocumentError, Parties, kinds
    from veilleur.respond.service import generate_document, summarize
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
    assert sorted(create_demo_cases(store, DEMO / "cases.yaml")) == ["demo-harcelement-marchetti", "demo-secret-medical-mineurs"]
    assert create_demo_cases(store, DEMO / "cases.yaml") == []  # idempotent

    expected = {
        "demo-harcelement-marchetti": {"harcelement_moral_en_ligne", "injure_non_publique", "menaces", "deonto_confraternite"},
        "demo-secret-medical-mineurs": {"violation_secret_professionnel", "deonto_secret"},
    }
    parties = Parties.from_settings({}, PARTIES)
    for case_id, must in expected.items():
        cf = load_casefile(store, case_id)
        s = summarize(cf)
        assert must <= set(s.qualification.offence_ids()), case_id
        assert s.deadlines and s.playbook.next_step is not None
        reply = [d for d in s.deadlines if d.kind == "droit_de_reponse"]
        for kind in kinds():
            if kind == "droit_de_reponse" and reply and reply[0].expired(datetime.now(UTC)):
                with pytest.raises(DocumentError, match="3-month"):  # the demo's posts are from April 2026
                    generate_document(cf, kind, parties, "pdf")
                continue
            pdf, meta = generate_document(cf, kind, parties, "pdf")
            assert pdf.startswith(b"%PDF") and len(meta["sha256"]) == 64
            (tmp_path / f"{case_id}-{kind}.pdf").write_bytes(pdf)
