"""Recognizers: NIR key check, phones, RPPS Luhn, ages, rooms, initials, dates."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy.recognizers import FINDERS, luhn_is_valid, nir_is_valid, nir_key, rpps_is_valid


def labels(key: str, text: str) -> list[tuple[str, str]]:
    return [(label, text[s:e]) for s, e, label, _ in FINDERS[key](text)]


def test_nir_key_check() -> None:
    body = "1850375123456"
    key = nir_key(body)
    assert nir_is_valid(f"{body}{key:02d}")
    assert not nir_is_valid(f"{body}{(key % 97) + 1:02d}")
    assert nir_is_valid(f"1 85 03 75 123 456 {key:02d}")


@pytest.mark.parametrize("dept", ["2A", "2B"])
def test_nir_corsica(dept: str) -> None:
    body = f"28507{dept}123456"
    key = nir_key(body)
    assert nir_is_valid(body + f"{key:02d}")
    # 2A and 2B give different keys: a key computed for one must fail for the other.
    other = "2B" if dept == "2A" else "2A"
    assert not nir_is_valid(f"28507{other}123456{key:02d}")


def test_nir_finder_key_and_keyword() -> None:
    """Recall first (issue 13): after "NIR"/"sécu" a NIR-shaped number is one even when its key is wrong;
    without a keyword, a wrong key is accepted only for the 15 digits that start with a sex digit."""
    body = "2870169123456"
    good = f"{body}{nir_key(body):02d}"
    bad = f"{body}{(nir_key(body) + 1) % 97:02d}"
    assert labels("nir", f"NIR {good} ok") == [("NIR", good)]
    assert labels("nir", f"NIR {bad} ok") == [("NIR", bad)]
    assert labels("nir", "N° sécu 2 77 03 15 014 022 45 à vérifier") == [("NIR", "2 77 03 15 014 022 45")]
    body3 = "3870169123456"
    bad3 = f"{body3}{(nir_key(body3) + 1) % 97:02d}"
    assert labels("nir", f"lot {bad3} ok") == []


@pytest.mark.parametrize(
    "written",
    ["1 8 5 0 3 7 5 1 1 2 0 4 5 6 7", "18503 75112 045 67", "1.85.03.75.112.045 67", "1850375112045 67"],
)
def test_nir_in_any_grouping_after_keyword(written: str) -> None:
    assert labels("nir", f"NIR : {written}") == [("NIR", written)]


def test_luhn_and_rpps() -> None:
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398714")
    assert rpps_is_valid("10003456786")
    assert not rpps_is_valid("10003456787")
    assert ("RPPS", "RPPS 10003456786") in labels("rpps", "RPPS 10003456786")
    assert labels("rpps", "RPPS 10003456787") == []


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "07.81.22.43.90", "+33 6 45 21 87 09", "0145678912"])
def test_french_phones(phone: str) -> None:
    assert labels("phone", f"joignable au {phone} demain") == [("PHONE", phone)]


def test_not_a_phone() -> None:
    assert labels("phone", "CRP à 120, plaquettes 250000") == []


@pytest.mark.parametrize(
    "text,age",
    [
        ("une patiente de 34 ans", "34 ans"),
        ("âgé de 7 mois", "7 mois"),
        ("Kevin, 8 ans, en CE2", "8 ans"),
        ("a 45-year-old woman", "45-year-old"),
        ("man aged 71 with", "aged 71"),
    ],
)
def test_ages(text: str, age: str) -> None:
    assert ("AGE", age) in labels("age", text)


@pytest.mark.parametrize(
    "text", ["fièvre depuis 3 ans", "il y a 2 ans", "traitement pendant 6 mois", "tous les 3 ans"]
)
def test_durations_are_not_ages(text: str) -> None:
    assert labels("age", text) == []


@pytest.mark.parametrize("room", ["chambre 12", "lit 3", "box 4", "room 218", "bed 7"])
def test_rooms(room: str) -> None:
    assert labels("room", f"patiente en {room} en cardio") == [("WARD_ROOM", room)]


@pytest.mark.parametrize("initials", ["Mme D.", "M. L.", "Mrs T."])
def test_initials(initials: str) -> None:
    assert labels("initials", f"{initials}, 72 ans") == [("INITIALS", initials)]


def test_dates_and_ipp() -> None:
    assert ("DATE", "le 3 mars 1987") in labels("date", "née le 3 mars 1987")
    assert ("DATE", "12/04/1951") in labels("date", "DDN 12/04/1951")
    assert labels("date", "tension 12/8") == []
    assert labels("ipp", "IPP4471203 en attente") == [("IPP", "IPP4471203")]
