"""Hostile structure in exports: deep JSON nesting (I3), oversized records, zip bombs of many entries (I6).

Each is one clear ``InputError`` with bounded memory, in every JSON adapter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import veilleur
from tests.ingest.ingest_helpers import FIXTURES, read_all
from veilleur.errors import InputError
from veilleur.ingest.base import SourceTree
from veilleur.ingest.util import MAX_JSON_DEPTH

DEEP = 5_000
MARK = '"__DEEP__"'


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _inject(obj: object, first_record: dict[str, object]) -> str:
    first_record["deep"] = "__DEEP__"
    return json.dumps(obj, ensure_ascii=False)


def _export(fmt: str, tmp_path: Path, depth: int) -> Path:
    """A copy of the format's fixture whose first record carries ``depth`` nested arrays."""
    if fmt == "facebook":
        src = FIXTURES / "facebook/your_facebook_activity/groups/group_posts_and_comments.json"
        obj = json.loads(src.read_text(encoding="utf-8"))
        text = _inject(obj, obj["group_posts_v2"][0])
        out = tmp_path / src.name
    elif fmt in ("telegram", "discord"):
        src = FIXTURES / (
            "telegram/ChatExport_2024-03-20/result.json"
            if fmt == "telegram"
            else "discord/Cabinet Médical - général [1100220033].json"
        )
        obj = json.loads(src.read_text(encoding="utf-8"))
        text = _inject(obj, obj["messages"][1])
        out = tmp_path / src.name
    elif fmt == "slack":
        out = tmp_path / "slack"
        shutil.copytree(FIXTURES / "slack", out)
        day = out / "general" / "2024-03-12.json"
        obj = json.loads(day.read_text(encoding="utf-8"))
        day.write_text(_inject(obj, obj[1]).replace(MARK, _deep(depth)), encoding="utf-8")
        return out
    elif fmt == "twitter":
        out = tmp_path / "twitter"
        shutil.copytree(FIXTURES / "twitter", out)
        js = out / "data" / "tweets.js"
        head, _, body = js.read_text(encoding="utf-8").partition("=")
        obj = json.loads(body)
        js.write_text(
            head + "= " + _inject(obj, obj[0]["tweet"]).replace(MARK, _deep(depth)), encoding="utf-8"
        )
        return out
    elif fmt == "jsonl":
        lines = (FIXTURES / "tabular/messages.jsonl").read_text(encoding="utf-8").splitlines()
        rec = json.loads(lines[1])
        lines[1] = _inject(rec, rec)
        text = "\n".join(lines) + "\n"
        out = tmp_path / "messages.jsonl"
    else:
        raise AssertionError(fmt)
    out.write_text(text.replace(MARK, _deep(depth)), encoding="utf-8")
    return out


JSON_FORMATS = ["facebook", "telegram", "discord", "slack", "twitter", "jsonl"]


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_deep_nesting_is_refused_in_every_json_adapter(fmt: str, tmp_path: Path) -> None:
    path = _export(fmt, tmp_path, DEEP)
    with pytest.raises(InputError, match=rf"nested more than {MAX_JSON_DEPTH} levels deep"):
        read_all(path, fmt)


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_moderate_nesting_still_imports(fmt: str, tmp_path: Path) -> None:
    msgs = read_all(_export(fmt, tmp_path, 20), fmt)
    assert msgs and any("deep" in (m.raw or {}) for m in msgs)


def _run_limited(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child capped at 3 GiB of address space (old code would take tens of GB)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = (
        str(Path(veilleur.__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    )
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def test_deep_facebook_export_memory_is_bounded(tmp_path: Path) -> None:
    """The probe's 200 KB export nested 100,000 deep grew the importer to 22.8 GB."""
    path = _export("facebook", tmp_path, 100_000)
    assert path.stat().st_size < 300_000
    code = (
        "import resource, sys\n"
        "from veilleur.errors import InputError\n"
        "from tests.ingest.ingest_helpers import read_all\n"
        f"try:\n    read_all({str(path)!r}, 'facebook')\nexcept InputError as e:\n    print('ERR', e)\n"
        # VmHWM is this process's own peak; ru_maxrss would keep the forking pytest process's peak across exec.
        "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:')][0].split()[1]\n"
        "print('RSS_MB', int(hwm) // 1024)\n"
    )
    res = _run_limited(code, Path(__file__).resolve().parents[2])
    assert res.returncode == 0, res.stderr[-2000:]
    assert "ERR" in res.stdout and "nested more than" in res.stdout, res.stdout
    rss = int(res.stdout.split("RSS_MB")[1])
    assert rss < 400, f"{rss} MB"


def test_deep_jsonl_import_is_one_clear_line(tmp_path: Path) -> None:
    """json.loads used to fail with a RecursionError traceback past ~1,000 levels."""
    path = _export("jsonl", tmp_path, 100_000)
    env = dict(os.environ, VEILLEUR_HOME=str(tmp_path / "home"))
    env.pop("VEILLEUR_DB", None)
    env["PYTHONPATH"] = (
        str(Path(veilleur.__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    )
    res = subprocess.run(
        [sys.executable, "-m", "veilleur", "import", str(path), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr[-2000:]
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "line 2" in lines[0] and "nested more than" in lines[0], lines


def test_oversized_jsonl_line_is_refused_before_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veilleur.ingest.tabular as tabular

    monkeypatch.setattr(tabular, "MAX_RECORD_BYTES", 10_000)
    p = tmp_path / "big.jsonl"
    p.write_text(
        json.dumps({"id": "1", "author": "a", "created_at": "2026-01-01T10:00:00Z", "text": "ok"})
        + "\n"
        + json.dumps({"id": "2", "author": "a", "created_at": "2026-01-01T10:00:00Z", "text": "x" * 20_000})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="line 2 is longer than 10,000 characters"):
        read_all(p, "jsonl")


def test_oversized_json_record_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import veilleur.ingest.util as util

    monkeypatch.setattr(util, "MAX_RECORD_VALUES", 5_000)
    src = FIXTURES / "discord/Cabinet Médical - général [1100220033].json"
    obj = json.loads(src.read_text(encoding="utf-8"))
    obj["messages"][0]["padding"] = list(range(20_000))
    p = tmp_path / src.name
    p.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(InputError, match=r"one record \(starting near byte \d+\) is larger than"):
        read_all(p, "discord")


def _many_entry_bomb(path: Path, entries: int, size: int, padding: int = 0) -> Path:
    chunk = bytes(size)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("result.json", '{"name": "x", "type": "private_group", "id": 1, "messages": []}')
        for i in range(entries):
            z.writestr(f"files/f{i}.bin", chunk)
        if padding:
            z.writestr("files/padding.bin", os.urandom(padding), compress_type=zipfile.ZIP_STORED)
    return path


def test_zip_bomb_of_many_entries_under_the_per_entry_threshold_is_refused(tmp_path: Path) -> None:
    """The probe's bomb: 30 entries of just under 10 MB each (310 KB -> 301 MB)."""
    bomb = _many_entry_bomb(tmp_path / "bomb_many.zip", 30, 10 * 1024 * 1024 - 1024)
    assert bomb.stat().st_size < 400_000
    with pytest.raises(
        InputError, match=r"bomb_many\.zip: archive entries compressed more than 200x .*zip bomb"
    ):
        SourceTree.open(bomb)


def test_zip_bomb_padded_with_incompressible_data_is_refused(tmp_path: Path) -> None:
    """Entries at 199x each pass the per-entry ratio; the whole archive's ratio is capped too."""
    bomb = tmp_path / "bomb_total.zip"
    # 40 entries of ~2 MB that deflate ~140x (8 random bytes every 2 KB)
    pattern = b"".join(b"x" * 2040 + os.urandom(8) for _ in range(1000))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("result.json", '{"name": "x", "type": "private_group", "id": 1, "messages": []}')
        for i in range(40):
            z.writestr(f"files/f{i}.bin", pattern)
        infos = [i for i in z.infolist() if i.filename.startswith("files/")]
    ratios = [i.file_size / i.compress_size for i in infos]
    assert all(100 < r < 200 for r in ratios), ratios[:3]
    with pytest.raises(InputError, match=r"bomb_total\.zip: archive expands \d+x as a whole"):
        SourceTree.open(bomb)


def test_ordinary_zip_export_still_opens(tmp_path: Path) -> None:
    z = _many_entry_bomb(
        tmp_path / "ok.zip", 3, 1024 * 1024, padding=256 * 1024
    )  # 3 MB of zeros, 256 KB random
    tree = SourceTree.open(z)
    assert "result.json" in tree.names()
    tree.close()
