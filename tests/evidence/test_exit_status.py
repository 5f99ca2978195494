"""The exit status of the installed command, as a shell or a script sees it (not CliRunner's).

Every documented status: `evidence verify` and `evidence check` exit 1 on a problem and 0 when intact,
user errors exit 2 with one line, usage errors exit 2, `--version` exits 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import veilleur
from tests.evidence.conftest import make_case, make_message
from veilleur.evidence import api
from veilleur.evidence.vault import Vault
from veilleur.store import Store


def veilleur_cmd(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    src = str(Path(veilleur.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "veilleur", *args], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> tuple[Store, Path]:
    case = make_case(store)
    m = make_message(store)
    api.capture_message(store, m.uid, actor="moderatrice", case_id=case.id)
    out = tmp_path / "bundle.zip"
    api.export_bundle(store, case.id, out, actor="juriste", recipient="procureur")
    return store, out


def test_verify_exit_status(exported: tuple[Store, Path], tmp_path: Path) -> None:
    _, bundle = exported
    ok = veilleur_cmd("evidence", "verify", str(bundle))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with zipfile.ZipFile(bundle) as z:
        members = {n: z.read(n) for n in z.namelist()}
    raw = next(n for n in members if n.endswith("/raw.json"))
    members[raw] = members[raw].replace(b"incapable", b"excellent")
    bad = tmp_path / "altered.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    res = veilleur_cmd("evidence", "verify", str(bad))
    assert "ÉCHEC" in res.stdout and raw in res.stdout
    assert res.returncode == 1, res.stdout + res.stderr
    res = veilleur_cmd("evidence", "verify", "--json", str(bad))
    assert res.returncode == 1 and '"ok": false' in res.stdout


def test_check_exit_status(exported: tuple[Store, Path]) -> None:
    store, _ = exported
    ok = veilleur_cmd("evidence", "check")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stdout + ok.stderr
    item = api.list_items(store)[0]
    path = Vault(store).blobs.path(item.sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b" ")
    res = veilleur_cmd("evidence", "check")
    assert "altered" in res.stdout
    assert res.returncode == 1, res.stdout + res.stderr


def test_user_and_usage_errors_exit_2_without_traceback(store: Store, tmp_path: Path) -> None:
    res = veilleur_cmd("evidence", "verify", str(tmp_path / "absent.zip"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert [line for line in res.stderr.splitlines() if line.strip()] == [
        f"error: {tmp_path / 'absent.zip'}: file not found"
    ]
    for args in (["no-such-command"], ["evidence", "verify"], ["evidence", "export", "case_x"]):
        res = veilleur_cmd(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert "Traceback" not in res.stderr and "Error" in res.stderr


def test_version_exits_0() -> None:
    res = veilleur_cmd("--version")
    assert res.returncode == 0 and res.stdout.startswith("veilleur "), res.stdout + res.stderr


def test_verify_says_self_consistency_only_without_token(exported: tuple[Store, Path]) -> None:
    _, bundle = exported  # the `store` fixture has no TSA: no token
    res = veilleur_cmd("evidence", "verify", str(bundle))
    assert res.returncode == 0
    assert "cohérence interne seulement / self-consistency only" in res.stdout, res.stdout
    assert "proves only its self-consistency" in res.stdout


def test_export_with_a_deleted_vault_file_is_one_line_exit_2(store: Store, tmp_path: Path) -> None:
    case = make_case(store)
    m = make_message(store)
    item = api.capture_message(store, m.uid, actor="moderatrice", case_id=case.id)
    Vault(store).blobs.path(item.sha256).unlink()
    out = tmp_path / "b.zip"
    res = veilleur_cmd("evidence", "export", case.id, "-o", str(out))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "missing from the vault" in lines[0], lines
    assert not out.exists()
