"""Large exports stream: memory stays bounded by one record, not by the file; plus throughput figures."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

from veilleur.ingest.base import ImportOptions, SourceTree, get_adapter


def _write_facebook(path: Path, posts: int) -> None:
    """A Facebook export written record by record (never held in memory), group name after the posts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="ascii") as f:
        f.write('{"group_posts_v2": [')
        for i in range(posts):
            rec = {
                "id": f"p{i}", "timestamp": 1700000000 + i, "author": f"Membre {i % 500}",
                "data": [{"post": f"Question clinique n°{i} : conduite à tenir ? " * 3}],
                "reactions": [{"reaction": "LIKE", "actor": "X"}],
                "comments": [{"id": f"c{i}", "timestamp": 1700000001 + i, "author": "Paul", "comment": "D'accord."}],
            }  # fmt: skip
            f.write(("," if i else "") + json.dumps(rec))
        f.write('], "group_name": "Gros groupe"}')


def _peak_while_reading(path: Path, fmt: str) -> tuple[int, int, float]:
    tree = SourceTree.open(path)
    tracemalloc.start()
    t0 = time.perf_counter()
    n = 0
    for _ in get_adapter(fmt).read(tree, ImportOptions()):
        n += 1
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return n, peak, elapsed


def test_facebook_memory_is_bounded(tmp_path: Path) -> None:
    small, big = tmp_path / "s/posts.json", tmp_path / "b/posts.json"
    _write_facebook(small, 800)
    _write_facebook(big, 8_000)
    n_small, peak_small, _ = _peak_while_reading(small.parent, "facebook")
    n_big, peak_big, elapsed = _peak_while_reading(big.parent, "facebook")
    assert (n_small, n_big) == (1_600, 16_000)
    assert big.stat().st_size > 9 * small.stat().st_size
    # ten times the data, about the same peak: nothing accumulates per message
    assert peak_big < 2 * peak_small + 1_000_000, (peak_small, peak_big)
    assert peak_big < 3_000_000
    print(
        f"facebook: {n_big / elapsed:.0f} messages/s, peak {peak_big / 1e6:.1f} MB for {big.stat().st_size / 1e6:.0f} MB"
    )


def _write_whatsapp(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(lines):
            f.write(
                f"{1 + i // 2000:02d}/03/2024 {i // 60 % 24:02d}:{i % 60:02d} - Membre {i % 50}: message {i}\nsuite\n"
            )


def _write_jsonl(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(lines):
            f.write(
                json.dumps({"id": i, "author": "A", "created_at": 1700000000 + i, "text": "t" * 100}) + "\n"
            )


def test_whatsapp_and_jsonl_stream(tmp_path: Path) -> None:
    for fmt, write, name in (("whatsapp", _write_whatsapp, "chat.txt"), ("jsonl", _write_jsonl, "big.jsonl")):
        small, big = tmp_path / f"s_{name}", tmp_path / f"b_{name}"
        write(small, 2_000)
        write(big, 20_000)
        n_small, peak_small, _ = _peak_while_reading(small, fmt)
        n_big, peak_big, _ = _peak_while_reading(big, fmt)
        assert (n_small, n_big) == (2_000, 20_000)
        assert peak_big < 1.5 * peak_small + 500_000, (fmt, peak_small, peak_big)
