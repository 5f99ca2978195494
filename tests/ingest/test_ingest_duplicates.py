"""A second record with an id already kept but other content (I12) is no longer dropped silently: the import
report warns with the ids, and the raw record is kept in the audit log, in the import's transaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import veilleur
from tests.factories import msg
from veilleur.ingest.importer import import_messages, import_path
from veilleur.store import Store


def _jsonl(path: Path, recs: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


def _rec(mid: str, text: str, author: str = "Dr Martin") -> dict[str, str]:
    return {
        "id": mid,
        "author": author,
        "created_at": "2026-03-14T10:00:00+01:00",
        "text": text,
        "community": "Groupe",
    }


def test_same_id_other_content_in_one_export_is_reported_and_kept(store: Store, tmp_path: Path) -> None:
    p = _jsonl(
        tmp_path / "dup.jsonl",
        [_rec("m1", "premier texte"), _rec("m2", "autre"), _rec("m1", "texte remplacé", author="Mallory")],
    )
    report = import_path(store, p, format="jsonl")
    assert (report.messages_seen, report.messages_new, report.conflicting_duplicates) == (3, 2, 1)
    [w] = report.warnings
    assert "'m1'" in w and "different content" in w
    assert report.to_dict()["conflicting_duplicates"] == 1
    kept = [m for batch in store.iter_messages() for m in batch if m.message_id == "m1"]
    assert [m.text for m in kept] == ["premier texte"]
    [entry] = store.audit_log(action="import.duplicate")
    assert entry.target == kept[0].uid and entry.data["import_id"] == report.import_id
    raw = json.loads(entry.data["raw"])
    assert raw["text"] == "texte remplacé" and raw["author"] == "Mallory"
    assert entry.data["kept_raw_sha256"] != entry.data["raw_sha256"]


def test_identical_repeats_and_reimports_stay_quiet(store: Store, tmp_path: Path) -> None:
    p = _jsonl(tmp_path / "same.jsonl", [_rec("m1", "texte"), _rec("m1", "texte")])
    r1 = import_path(store, p, format="jsonl")
    r2 = import_path(store, p, format="jsonl")
    assert (r1.conflicting_duplicates, r2.conflicting_duplicates) == (0, 0)
    assert r1.warnings == [] and r2.warnings == [] and r2.messages_new == 0
    assert store.audit_log(action="import.duplicate") == []


def test_edited_record_in_a_later_import_is_reported(store: Store, tmp_path: Path) -> None:
    import_path(store, _jsonl(tmp_path / "a.jsonl", [_rec("m1", "version 1")]), format="jsonl")
    r = import_path(store, _jsonl(tmp_path / "b.jsonl", [_rec("m1", "version 2 (modifiée)")]), format="jsonl")
    assert r.conflicting_duplicates == 1 and "'m1'" in r.warnings[0]
    [entry] = store.audit_log(action="import.duplicate")
    assert "version 2" in entry.data["raw"]


def test_live_path_reports_conflicting_duplicates(store: Store) -> None:
    a = msg(1, "bonjour")
    b = replace(a, text="bonsoir", raw={**(a.raw or {}), "text": "bonsoir"})
    report = import_messages(store, [a, b])
    assert report.conflicting_duplicates == 1 and report.messages_new == 1


def test_cli_prints_the_warning(tmp_path: Path) -> None:
    p = _jsonl(tmp_path / "dup.jsonl", [_rec("m1", "premier"), _rec("m1", "second")])
    env = dict(os.environ, VEILLEUR_HOME=str(tmp_path / "home"))
    env.pop("VEILLEUR_DB", None)
    env["PYTHONPATH"] = (
        str(Path(veilleur.__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    )
    res = subprocess.run([sys.executable, "-m", "veilleur", "import", str(p), "--format", "jsonl"],
                         capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = " ".join((res.stdout + res.stderr).split())
    assert "1 of them with different content" in out and "'m1'" in out, out
