"""Every data file the package reads at run time (lexicons, model weights, templates, migrations, the
evaluation sets) must ship in the wheel: a file missing there works from a checkout and breaks once
installed. Builds the wheel and compares it with the source tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_every_source_and_data_file(tmp_path: Path) -> None:
    # Build from a pristine copy: a checkout's build/ and *.egg-info/ would hide a missing pattern.
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(
        ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    )
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(tree),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("veilleur-*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n}
    src = ROOT / "src"
    expected = {
        p.relative_to(src).as_posix()
        for p in (src / "veilleur").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert len(expected) > 100
    missing = sorted(expected - shipped)
    assert not missing, f"not in the wheel (add to [tool.setuptools.package-data]): {missing}"
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("entry_points.txt"))
    )
    assert (
        b"veilleur = veilleur.cli:main" in entry_points
        or b"veilleur=veilleur.cli:main" in entry_points.replace(b" ", b"")
    )
