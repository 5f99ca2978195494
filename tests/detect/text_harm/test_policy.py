"""Review, session 16: the text-harm policy is checked when it loads. A key spelt wrong, a value of the wrong type, an
unknown category or a head file that does not ship is one clear error naming the file and the key (exit 2 from the
CLI), never a silent default that turns a head off."""

from __future__ import annotations

import copy
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from veilleur.detect.text_harm import detector
from veilleur.detect.text_harm.policy import PolicyValueError, check_policy, read_policy
from veilleur.errors import ConfigError


def _shipped() -> dict[str, Any]:
    ref = resources.files("veilleur.detect.text_harm").joinpath("data", "policy.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_shipped_policy_passes() -> None:
    check_policy(_shipped())
    assert detector.load_policy() == _shipped()


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split("/")
    for k in parents:
        d = d[k]
    d[last] = value


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ("group_haed", {"file": "group_head.npz"}, "group_haed: unknown key"),  # the section spelt wrong
        ("group_head/treshold", 0.8, "group_head.treshold: unknown key"),
        ("category_layer/fille", "category_layer.npz", "category_layer.fille: unknown key"),
        ("category_layer/file", "category_layers.npz", "category_layer.file: no file 'category_layers.npz'"),
        ("group_head/threshold", "0.8", "group_head.threshold: expected a number, got str"),
        ("group_head/unless", "quote", "group_head.unless: expected a list"),
        ("threat_head/file", 3, "threat_head.file: expected a string"),
        ("e5_cascade/low_band/semantic_mn", 0.8, "e5_cascade.low_band.semantic_mn: unknown key"),
        ("cascade/category_min/thraet", 0.4, "cascade.category_min.thraet: unknown category"),
        ("cascade/min_letters", 4.5, "cascade.min_letters: expected a whole number"),
        ("cascade/lexicon_veto_spares", ["treat"], "cascade.lexicon_veto_spares[0]: unknown category"),
        ("categories/insult/severity", "urgent", "categories.insult.severity: expected a severity"),
        ("semantic_stage", "e6", "semantic_stage: expected one of use, e5, ensemble"),
        ("uncertain_band", [0.3], "uncertain_band: expected two values"),
        ("stance_head", "stance_head.npz", "stance_head: expected a mapping"),
    ],
)
def test_a_typo_or_a_wrong_type_is_refused(path: str, value: Any, says: str) -> None:
    data = copy.deepcopy(_shipped())
    _set(data, path, value)
    with pytest.raises(PolicyValueError) as e:
        check_policy(data)
    assert str(e.value).startswith(says)
    assert "\n" not in str(e.value)


def test_read_policy_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "default_threshold: 0.5\ngroup_head: {file: group_head.npz, treshold: 0.8}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"policy\.yaml: group_head\.treshold: unknown key"):
        read_policy(bad)
    bad.write_text("categories: [insult\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"policy\.yaml: the text-harm policy is not valid YAML \(line"):
        read_policy(bad)
    bad.write_bytes("default_threshold: 0.5 # é".encode("latin-1"))
    with pytest.raises(ConfigError, match="cannot be read"):
        read_policy(bad)
    bad.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="the policy: expected a mapping"):
        read_policy(bad)


def test_the_cli_says_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from veilleur import cli

    data = _shipped()
    data["group_head"]["treshold"] = data["group_head"].pop("threshold")
    bad = tmp_path / "policy.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(detector, "load_policy", lambda: read_policy(bad))
    monkeypatch.setattr(sys, "argv", ["veilleur", "text-harm", "check", "--json", "bonjour"])
    with pytest.raises(SystemExit) as e:
        cli.main()
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "policy.yaml: group_head.treshold: unknown key" in err
