"""Generic CSV and JSONL adapters: default and explicit column maps, delimiters, date formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ingest.ingest_helpers import FIXTURES, read_all
from veilleur.errors import InputError

CSV = FIXTURES / "tabular" / "messages.csv"
JSONL = FIXTURES / "tabular" / "messages.jsonl"


def test_csv_french_columns_semicolons_and_dates() -> None:
    msgs = read_all(CSV, "csv")
    assert [m.message_id for m in msgs] == ["m1", "m2", "m3", "m4"]
    m1, m2, m3, m4 = msgs
    assert m1.text == "Bonjour ; qui connaît un bon dermato à Nantes ?"  # quoted delimiter
    assert m1.created_at == datetime(2024, 3, 12, 13, 5, tzinfo=UTC)  # 12/03 = 12 March, Paris time
    assert m2.text.endswith("en privé.\nIl prend les nouveaux patients.")  # multi-line field
    assert m2.kind == "reply" and m2.parent_id == "m1"
    assert m3.author.name == "Léa Morel" and m3.text == "Déjà vu ce cas, très classique."  # mojibake repaired
    assert m3.raw["auteur"] != "Léa Morel"  # raw kept as found
    assert m3.created_at == datetime(2024, 7, 1, 7, 0, tzinfo=UTC)
    assert m4.created_at == datetime(2024, 7, 1, 8, 30, tzinfo=UTC)  # "1 juillet 2024 à 10h30"
    assert {m.community_name for m in msgs} == {"Forum Médecins Ouest"}
    assert m1.author.id == read_all(CSV, "csv")[0].author.id


def test_csv_explicit_map_tabs_and_derived_ids(tmp_path: Path) -> None:
    p = tmp_path / "export.tsv"
    p.write_text(
        "Pseudo\tQuand\tContenu\nDr House\t2024-03-12 08:00:00\tLupus ?\nDr House\t2024-03-12 08:01\tJamais.\n"
    )
    opts = {
        "column_map": {"author": "Pseudo", "created_at": "Quand", "text": "Contenu"},
        "community_name": "Forum",
    }
    a, b = read_all(p, "csv", **opts), read_all(p, "csv", **opts)
    assert [m.text for m in a] == ["Lupus ?", "Jamais."]
    assert a[0].created_at == datetime(2024, 3, 12, 7, 0, tzinfo=UTC)
    assert [m.uid for m in a] == [m.uid for m in b] and a[0].uid != a[1].uid
    assert a[0].community_name == "Forum"


def test_csv_mapping_errors(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("who,when,what\nA,2024-01-01,hello\n")
    with pytest.raises(InputError, match="no text column"):
        read_all(p, "csv")
    with pytest.raises(InputError, match="column 'nope'"):
        read_all(p, "csv", column_map={"text": "nope", "created_at": "when"})
    with pytest.raises(InputError, match="unknown field"):
        read_all(p, "csv", column_map={"body": "what"})
    p.write_text("author,date,text\nA,le 32 truc,hello\n")
    with pytest.raises(InputError, match=r"x\.csv: line 2: unrecognised date"):
        read_all(p, "csv")
    p.write_text("author,date,text\n")
    with pytest.raises(InputError, match="no records"):
        read_all(p, "csv")


def test_jsonl_nested_authors_and_mixed_dates() -> None:
    j1, j2, j3 = read_all(JSONL, "jsonl")
    assert (j1.author.id, j1.author.name) == ("u1", "Camille Roux")
    assert j1.created_at == datetime(2024, 3, 12, 13, 5, tzinfo=UTC)
    assert j2.created_at == datetime(2024, 3, 12, 13, 20, tzinfo=UTC)
    assert j2.parent_id == "j1" and j2.kind == "reply"  # key absent from the first record
    assert j3.created_at == datetime(2024, 3, 12, 14, 0, tzinfo=UTC)  # epoch seconds
    assert j1.community_name == "Scraper forum santé" and j1.raw["author"]["id"] == "u1"


def test_jsonl_dotted_map_and_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "posts.jsonl"
    p.write_text(
        '{"data": {"body": "salut", "at": "2024-03-12T10:00:00Z"}, "u": "X"}\n{"data": {"body": "b"\n'
    )
    with pytest.raises(InputError, match=r"posts\.jsonl: line 2: malformed JSON"):
        list(read_all(p, "jsonl", column_map={"text": "data.body", "created_at": "data.at", "author": "u"}))
    p.write_text('{"data": {"body": "salut", "at": "2024-03-12T10:00:00Z"}, "u": "X"}\n')
    (m,) = read_all(p, "jsonl", column_map={"text": "data.body", "created_at": "data.at", "author": "u"})
    assert m.text == "salut" and m.author.name == "X"
