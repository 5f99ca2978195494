"""The offence catalogue: complete for the issue, well-formed, and validated on load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veilleur.errors import InputError
from veilleur.law.catalogue import load_catalogue, parse_catalogue
from veilleur.taxonomy import CATEGORIES

REQUIRED_ARTICLES = {
    ("Loi du 29 juillet 1881", a) for a in ("29 al. 1", "29 al. 2", "32 al. 1", "33 al. 2", "65-3", "24 al. 7 et 8")
} | {
    ("Code pénal", a)
    for a in ("R.621-1", "R.621-2", "R.625-8", "R.625-8-1", "222-33-2-2", "222-17", "222-18", "226-13", "226-1",
              "226-2", "223-1-1", "226-4-1")
} | {("Code civil", "9")} | {
    ("Code de la santé publique", f"R.4127-{n}") for n in (2, 4, 7, 31, 56)
}  # fmt: skip


def test_catalogue_covers_the_issue() -> None:
    cat = load_catalogue()
    refs = {(r.code, r.article) for o in cat.offences for r in o.references}
    assert REQUIRED_ARTICLES - refs == set()


def test_every_entry_is_sourced_dated_and_bilingual() -> None:
    for o in load_catalogue().offences:
        assert o.name_fr and o.name_en and o.elements and o.penalty_base[0]
        assert o.source_url.startswith("https://www.legifrance.gouv.fr/"), o.id
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", o.reviewed), o.id
        assert o.confidence in ("verified", "to_verify")
        assert o.confidence == "verified" or o.reason, o.id
        assert set(o.categories_any) <= set(CATEGORIES)


def test_press_law_limitation_periods() -> None:
    cat = load_catalogue()
    # Art. 65: 3 months; art. 65-3: 1 year, for the PUBLIC discriminatory forms only.
    for oid in ("injure_publique", "diffamation_publique", "injure_non_publique", "diffamation_non_publique",
                "injure_non_publique_discriminatoire", "diffamation_non_publique_discriminatoire"):  # fmt: skip
        assert cat.get(oid).prescription_months == 3, oid
    for oid in (
        "injure_publique_discriminatoire",
        "diffamation_publique_discriminatoire",
        "provocation_haine_publique",
    ):
        assert cat.get(oid).prescription_months == 12, oid
    assert cat.get("harcelement_moral_en_ligne").prescription_start == "last_act"
    assert cat.get("harcelement_moral_en_ligne").prescription_months == 72
    # Health status is not a 1881 ground; body weight and age never are.
    assert "body_weight" not in cat.get("injure_publique_discriminatoire").grounds


def _entry(**over: object) -> str:
    import yaml

    base = {
        "id": "x", "name": {"fr": "X", "en": "X"}, "kind": "delit",
        "references": [{"code": "Code pénal", "article": "1"}],
        "elements": [{"fr": "e", "en": "e"}], "penalties": {"base": {"fr": "p", "en": "p"}},
        "prescription": {"months": 3, "start": "first_publication"}, "publicity": "any",
        "who_may_act": {"fr": "v", "en": "v"}, "categories_any": ["insult"],
        "source": {"ref": "r", "url": "https://www.legifrance.gouv.fr/"}, "reviewed": "2026-11-23",
    }  # fmt: skip
    base.update(over)
    return yaml.safe_dump({"offences": [base]})


def test_valid_minimal_entry_parses() -> None:
    assert parse_catalogue(_entry()).offences[0].id == "x"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"categories_any": ["insulte"]}, "unknown taxonomy category"),
        ({"confidence": "to_verify"}, "needs a 'reason'"),
        ({"prescription": {"months": 3, "start": "whenever"}}, "prescription.start"),
        ({"name": {"fr": "X"}}, "'fr' and 'en'"),
        ({"requires": {"author_is_cat": True}}, "not a CaseContext flag"),
        ({"publicity": "semi"}, "publicity"),
    ],
)
def test_bad_entries_are_named(over: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_catalogue(_entry(**over), "review.yaml")


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="invalid YAML"):
        parse_catalogue("offences: [\n", "x.yaml")
    with pytest.raises(InputError, match="cannot read"):
        load_catalogue(str(tmp_path / "absent.yaml"))
