"""The boundaries of docs/architecture.md, checked on the source (the "done when" greps of the review)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "veilleur"


def _files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _rel(p: Path) -> str:
    return p.relative_to(SRC).as_posix()


def _imports(p: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _grep(pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {_rel(p) for p in _files() if rx.search(p.read_text(encoding="utf-8"))}


def test_only_config_reads_the_environment_or_raw_settings() -> None:
    # config.py, and the CLI's password prompt (VEILLEUR_PASSWORD for `veilleur user add/password`)
    assert _grep(r"settings\.get\(|os\.environ") == {"config.py", "accounts/cli.py"}


def test_nothing_under_detect_reads_the_environment_or_the_configuration() -> None:
    assert {f for f in _grep(r"os\.environ|load_settings|getenv") if f.startswith("detect/")} == set()


def test_pipeline_reaches_detectors_only_through_the_seam() -> None:
    detect = {m for m in _imports(SRC / "pipeline.py") if m.startswith("veilleur.detect")}
    assert {m.rsplit(".", 1)[0] if m.count(".") > 2 else m for m in detect} == {"veilleur.detect.base"}


def test_the_http_framework_and_the_adapter_stay_in_web() -> None:
    for p in _files():
        if _rel(p).startswith("web/"):
            continue
        mods = _imports(p)
        assert not {m for m in mods if m.split(".")[0] in ("fastapi", "starlette")}, _rel(p)
        web = {m for m in mods if m == "veilleur.web" or m.startswith("veilleur.web.")}
        assert not web, f"{_rel(p)} imports {web}"


def test_import_errors_are_caught_only_for_extras_and_plugins() -> None:
    # transformers (extra hf) and the rapidocr engine probe; plugins fail through their factory
    assert _grep(r"except ImportError|ModuleNotFoundError|find_spec") == {
        "detect/text_harm/hf.py",
        "detect/media/ocr.py",
    }


def test_core_tables_are_written_only_by_the_store_and_the_bulk_importer() -> None:
    users = {f for f in _grep(r"\bMessageRow\b|\bFindingRow\b") if not f.startswith("store/")}
    assert users <= {"ingest/importer.py"}
