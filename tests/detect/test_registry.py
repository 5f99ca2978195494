"""The detector seam: a registry object passed to ``scan``, filled from entry points, with the built-ins
declared like any plugin; a toy plugin distribution installed for real is found and its findings stored."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from tests.factories import msg
from veilleur import pipeline
from veilleur.config import load_settings
from veilleur.detect import base
from veilleur.detect.base import BUILTIN_DETECTORS, BUILTIN_PASSES, DetectorRegistry
from veilleur.ingest.importer import import_messages
from veilleur.store import Store

ROOT = Path(__file__).resolve().parents[2]

TOY_PLUGIN = '''
"""A third-party detector and community pass for veilleur (written for the plugin test)."""
from veilleur.records import Finding


class ShoutDetector:
    name = "shout"
    version = "0.1"

    def __init__(self, marks: int = 3) -> None:
        self.marks = marks

    def detect(self, batch, ctx=None):
        out = []
        for m in batch:
            if "!" * self.marks in m.text:
                thread = len(ctx.thread(m.uid)) if ctx is not None else 0
                out.append(Finding(m.uid, self.name, self.version, "insult", "low", 0.6,
                                   explanation=f"shouting (thread of {thread})", excerpt=m.text[:80]))
        return out


class CountPass:
    name = "shout_count"
    version = "0.1"

    def run(self, ctx, findings):
        shouts = [f for f in findings if f.detector == "shout"]
        if len(shouts) < 2:
            return []
        first = shouts[0]
        return [Finding(first.message_uid, self.name, self.version, "harassment", "medium", 0.7,
                        explanation=f"{len(shouts)} shouted messages")]


def factory(**options):
    return ShoutDetector(**options)


def pass_factory(**options):
    return CountPass(**options)
'''


@pytest.fixture(scope="module")
def toy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install --no-deps --no-build-isolation --target`` of a real distribution (offline)."""
    src = tmp_path_factory.mktemp("toy-src")
    (src / "toy_veilleur_plugin").mkdir()
    (src / "toy_veilleur_plugin" / "__init__.py").write_text(TOY_PLUGIN, encoding="utf-8")
    (src / "pyproject.toml").write_text(
        textwrap.dedent("""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "toy-veilleur-plugin"
        version = "0.1"

        [project.entry-points."veilleur.detectors"]
        shout = "toy_veilleur_plugin:factory"

        [project.entry-points."veilleur.passes"]
        shout_count = "toy_veilleur_plugin:pass_factory"

        [tool.setuptools]
        packages = ["toy_veilleur_plugin"]
        """),
        encoding="utf-8",
    )
    site = tmp_path_factory.mktemp("toy-site")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert (site / "toy_veilleur_plugin-0.1.dist-info" / "entry_points.txt").is_file()
    return site


def test_toy_plugin_is_found_through_its_entry_points_and_its_findings_stored(
    toy_site: Path, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(toy_site))
    registry = DetectorRegistry.from_entry_points()
    assert "shout" in registry.available_detectors() and "shout_count" in registry.available_passes()
    assert set(BUILTIN_DETECTORS) <= set(registry.detectors)  # built-ins kept, first
    assert registry.default_detectors()[: len(BUILTIN_DETECTORS)] == list(BUILTIN_DETECTORS)

    # Its options come from its [detectors.shout] section (a plugin's table, given as keyword arguments).
    (tmp_path / "veilleur.toml").write_text("[detectors.shout]\nmarks = 2\n", encoding="utf-8")
    settings = load_settings(home=tmp_path, db_url=store.settings.db_url)
    assert settings.detector_options("shout") == {"marks": 2}
    store.settings = settings
    import_messages(store, [msg(1, "quelle honte !!"), msg(2, "RAS"), msg(3, "dehors !!!", author="b")])
    only_toy = DetectorRegistry()
    only_toy.add_detector("shout", registry.detectors["shout"]).add_pass(
        "shout_count", registry.passes["shout_count"]
    )
    rep = pipeline.scan(store, registry=only_toy)
    assert rep.detectors == {"shout": "0.1"} and not rep.errors
    found = {(sf.finding.detector, sf.finding.category) for sf in store.list_findings()}
    assert found == {("shout", "insult"), ("shout_count", "harassment")}
    assert len(store.list_findings(detector="shout")) == 2  # marks = 2 from the settings: "!!" counts
    assert "thread of" in store.list_findings(detector="shout")[0].finding.explanation  # it got the context


def test_a_scan_uses_only_the_registry_it_is_given(store: Store) -> None:
    import_messages(store, [msg(1, "tu es nul")])
    rep = pipeline.scan(store, registry=DetectorRegistry())
    assert rep.detectors == {} and rep.findings == 0
    with pytest.raises(KeyError, match="unknown detector 'text_harm'"):
        pipeline.scan(store, detectors=["text_harm"], registry=DetectorRegistry())


def test_builtins_come_from_the_installed_metadata_when_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A veilleur installed with this pyproject.toml declares its built-ins: those entry points are used."""
    dist = tmp_path / "veilleur_fake-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: veilleur-fake\nVersion: 0.1\n", encoding="utf-8"
    )
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    assert project["veilleur.detectors"] == BUILTIN_DETECTORS and project["veilleur.passes"] == BUILTIN_PASSES
    lines = []
    for group, table in project.items():
        lines += [f"[{group}]", *(f"{k} = {v}" for k, v in table.items()), ""]
    (dist / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = DetectorRegistry.from_entry_points(builtins=False)
    for name in BUILTIN_DETECTORS:
        assert isinstance(registry.detectors[name].target, EntryPoint)  # type: ignore[attr-defined]
    assert set(BUILTIN_PASSES) <= set(registry.passes)
    assert registry.create_pass("raid", min_authors=5).min_authors == 5  # type: ignore[attr-defined]


def test_builtins_fall_back_to_the_table_when_the_metadata_lacks_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An editable install made before the entry points were declared (or a source tree) still has them."""
    monkeypatch.setattr(base, "entry_points", lambda group: [])
    registry = DetectorRegistry.from_entry_points()
    assert registry.default_detectors() == list(BUILTIN_DETECTORS)
    assert registry.available_passes() == sorted(BUILTIN_PASSES)
    assert registry.create_pass("conversation", min_authors=3).name == "conversation"
    assert DetectorRegistry.from_entry_points(builtins=False).detectors == {}


def test_building_a_registry_imports_no_detector() -> None:
    code = (
        "import sys; from veilleur.detect.base import DetectorRegistry; r = DetectorRegistry.from_entry_points(); "
        "assert r.detectors; bad = [m for m in sys.modules if m.startswith(('veilleur.detect.text_harm.', "
        "'veilleur.detect.secrecy', 'veilleur.detect.media.', 'torch', 'spacy', 'presidio'))]; print(bad)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_a_factory_that_is_not_callable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = DetectorRegistry()
    registry.add_detector("mod", base._Lazy("mod", "veilleur.detect:base"))
    with pytest.raises(TypeError, match="must name a factory"):
        registry.create_detector("mod")


def test_options_are_the_settings_section_updated_by_the_scan_arguments(store: Store, tmp_path: Path) -> None:
    seen: dict[str, dict[str, object]] = {}

    class Recorder:
        version = "0"

        def __init__(self, name: str, **options: object) -> None:
            self.name = name
            seen[name] = options

        def detect(self, batch):  # type: ignore[no-untyped-def]
            return []

        def run(self, ctx, findings):  # type: ignore[no-untyped-def]
            return []

    (tmp_path / "veilleur.toml").write_text(
        '[detectors.raid]\nwindow_hours = 1.5\n[detectors.secrecy]\nmin_risk = "high"\n', encoding="utf-8"
    )
    store.settings = load_settings(home=tmp_path, db_url=store.settings.db_url)
    import_messages(store, [msg(1, "bonjour")])
    registry = DetectorRegistry().add_detector("secrecy", lambda **o: Recorder("secrecy", **o))
    registry.add_pass("raid", lambda **o: Recorder("raid", **o))
    pipeline.scan(
        store, registry=registry, detector_options={"raid": {"min_authors": 2}, "secrecy": {"gate": False}}
    )
    assert seen["raid"] == {"window_hours": 1.5, "min_authors": 2}
    assert seen["secrecy"] == {"min_risk": "high", "lang": None, "gate": False}


def test_a_builtin_declared_by_stale_metadata_falls_back_to_the_current_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "veilleur_old-0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: veilleur-old\nVersion: 0.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[veilleur.passes]\nraid = veilleur.detect.raid_old:RaidPass\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = DetectorRegistry.from_entry_points()
    assert isinstance(registry.passes["raid"].target, EntryPoint)  # type: ignore[attr-defined]
    assert registry.create_pass("raid", min_authors=3).min_authors == 3  # type: ignore[attr-defined]
