"""Every document for both fictional cases, in every format: mandatory fields filled, hashes listed."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.law.fixtures import harassment_case, secrecy_case
from veilleur.records import dumps
from veilleur.respond import documents
from veilleur.respond.casefile import CaseFile, fallback_evidence
from veilleur.respond.documents import DocumentError, Parties, kinds, render

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PARTIES = Parties(
    name="Dr Aline Verdier",
    email="a.verdier@example.org",
    address="12 rue des Tilleuls\n44000 Nantes",
    capacity="médecin généraliste",
    city="Nantes",
    opts={
        "court_city": "Nantes",
        "ordre_department": "Loire-Atlantique",
        "reply_text": "Je conteste formellement ces allégations mensongères.",
        "prior_request_date": "2026-10-05",
        "address_kind": "professional",  # a raid: the home address is not printed by default
        "missing_url": "placeholder",  # the secrecy fixture has no URL
    },
)
PUBLIC_ONLY = {"pharos", "droit_de_reponse"}


def _cf(factory):  # type: ignore[no-untyped-def]
    case, msgs, finds = factory()
    return CaseFile(case, msgs, finds, [], fallback_evidence(msgs))


CASES = {"raid": harassment_case, "secret": secrecy_case}


# The secrecy fixture's sender is a third party (default role there): these documents are refused for it.
REFUSED = {("secret", "droit_de_reponse"), ("secret", "mise_en_demeure"), ("secret", "demande_effacement")}


def _applicable(name: str) -> list[str]:
    return [k for k in kinds() if (name, k) not in REFUSED]


def parties_for(name: str, kind: str) -> Parties:
    opts = {**PARTIES.opts, "pharos_override": "oui"}  # the secrecy group is closed (2,500 members)
    if name == "raid" and kind == "mise_en_demeure":
        opts["respondent"] = "Nuit Blanche"  # one letter per author
    return replace(PARTIES, opts=opts)


@pytest.mark.parametrize(("name", "kind"), [(n, k) for n in CASES for k in _applicable(n)])
def test_every_document_renders_complete(name: str, kind: str) -> None:
    cf = _cf(CASES[name])
    md = render(kind, cf, parties_for(name, kind), "md", now=NOW).decode("utf-8")
    txt = render(kind, cf, parties_for(name, kind), "txt", now=NOW).decode("utf-8")
    if kind == "reponse_pacifique":  # a text to paste, not a letter
        assert "secret médical" in md and "None" not in md
        return
    if kind == "mise_en_demeure":
        cf.messages = (
            [m for m in cf.messages if m.author.name == "Nuit Blanche"] if name == "raid" else cf.messages
        )
        cf.evidence = [e for e in cf.evidence if e.source in {m.uid for m in cf.messages}]
    for text in (md, txt):
        assert "None" not in text and "{{" not in text and ":::" not in text
        assert not re.search(r"(:|« ?)\s*\n\s*\n\s*(»)", text)  # no empty quoted/labelled field
        assert "Dr Aline Verdier" in text and "a.verdier@example.org" in text
        assert "23 novembre 2026" in text
        for m in cf.messages:
            assert (m.url or m.message_id) in text or "URL À COMPLÉTER" in text
            if name == "raid":
                assert " ".join(m.text.split())[:40] in text
            else:  # a patient's story is never quoted
                assert " ".join(m.text.split())[:40] not in text
        for e in cf.evidence:
            assert e.sha256 in text
    assert "**" not in txt


def test_public_only_documents_refuse_small_closed_groups() -> None:
    cf = _cf(secrecy_case)
    cf.case = replace(cf.case, context=replace(cf.case.context, community_size=40))
    for kind in PUBLIC_ONLY:
        with pytest.raises(DocumentError, match="public"):
            render(kind, cf, PARTIES, "md", now=NOW)


def test_right_of_reply_refused_after_three_months() -> None:
    later = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(DocumentError, match="3-month"):
        render("droit_de_reponse", _cf(harassment_case), PARTIES, "md", now=later)


def test_dsa_notice_has_every_article_16_2_element() -> None:
    text = render("dsa_notice", _cf(harassment_case), PARTIES, "md", now=NOW).decode("utf-8")
    assert "localisation exacte (art. 16, § 2, b) et raisons (art. 16, § 2, a)" in text
    assert "https://www.facebook.com/groups/4410/posts/9001" in text  # (b) exact URL
    assert "Nom : Dr Aline Verdier" in text and "Adresse électronique : a.verdier@example.org" in text  # (c)
    assert (
        "Je déclare de bonne foi que les informations et allégations contenues dans la présente "
        "notification sont exactes et complètes." in text
    )  # (d)
    assert "art. 29 al. 2 et 33 al. 2" in text  # legal ground cited
    assert "art. 18" in text  # a threat: ask the platform to inform the authorities


def test_complaint_contents() -> None:
    text = render("plainte_procureur", _cf(harassment_case), PARTIES, "md", now=NOW).decode("utf-8")
    assert "Tribunal judiciaire de Nantes" in text and "contre X" in text
    assert "1er janvier 2027" in text  # the press-law prescription the prosecutor must beat
    secret = render("plainte_procureur", _cf(secrecy_case), PARTIES, "md", now=NOW).decode("utf-8")
    assert "imputables à Dr Paul Mercier" in secret and "226-13" in secret and "article 40" in secret


def test_ordre_document_has_two_purposes() -> None:
    raid = render("signalement_ordre", _cf(harassment_case), PARTIES, "md", now=NOW).decode("utf-8")
    assert "soutien de l'Ordre" in raid and "2025-623" in raid
    secret = render("signalement_ordre", _cf(secrecy_case), PARTIES, "md", now=NOW).decode("utf-8")
    assert "R.4127-4" in secret and "chambre disciplinaire" in secret and "signale au conseil" in secret
    victim = replace(PARTIES, opts={**PARTIES.opts, "reporter_role": "victim"})
    complaint = render("signalement_ordre", _cf(secrecy_case), victim, "md", now=NOW).decode("utf-8")
    assert "porte plainte" in complaint and "conciliation" in complaint and "R.4126-1" in complaint


def test_missing_mandatory_fields_are_named() -> None:
    with pytest.raises(DocumentError, match=r"sender\.email.*opts\.court_city"):
        render(
            "plainte_procureur",
            _cf(harassment_case),
            Parties(name="X", address="1 rue A", opts={"address_kind": "lawyer"}),
            "md",
            now=NOW,
        )
    with pytest.raises(DocumentError, match="unknown document kind"):
        render("lettre_au_pere_noel", _cf(harassment_case), PARTIES, "md", now=NOW)


def test_fallback_evidence_hash_is_canonical_json() -> None:
    cf = _cf(harassment_case)
    first = min(cf.messages, key=lambda m: m.created_at)
    assert cf.evidence[0].sha256 == hashlib.sha256(dumps(first.to_dict()).encode("utf-8")).hexdigest()
    assert not cf.evidence[0].sealed and "non encore scellé" in cf.evidence[0].description


def test_pdf_text_and_markup_escaping() -> None:
    from pypdf import PdfReader

    cf = _cf(harassment_case)
    pdf = render("plainte_procureur", cf, PARTIES, "pdf", now=NOW)
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "23novembre2026" in flat
    for e in cf.evidence:
        assert e.sha256 in flat
    assert "regretter--faisgaffe" in flat  # "--" in user text stays text, not underline markup


def test_missing_fonts_give_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(documents, "FONT_DIR", tmp_path)
    with pytest.raises(DocumentError, match="fonts-dejavu-core"):
        render("dsa_notice", _cf(harassment_case), PARTIES, "pdf", now=NOW)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_converts_to_png(tmp_path: Path) -> None:
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render("dsa_notice", _cf(secrecy_case), PARTIES, "pdf", now=NOW))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    assert sorted(tmp_path.glob("page*.png"))


def test_emoji_become_visible_markers_in_pdf() -> None:
    from pypdf import PdfReader

    cf = _cf(harassment_case)
    cf.messages[0] = replace(cf.messages[0], text=cf.messages[0].text + " 😂🤡")
    pdf = render("dsa_notice", cf, PARTIES, "pdf", now=NOW)
    flat = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "[émoji:visageriantauxlarmes][émoji:clown]" in flat
    assert "😂" in render("dsa_notice", cf, PARTIES, "md", now=NOW).decode("utf-8")  # editable text keeps it
