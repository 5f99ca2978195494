"""Review, session 16: the cascade's learned heads (threat, patient mockery, group hate, category layer) are read from
their files the first time the cascade needs them; the fast tier alone (``--fast-only``, ``semantic=False``) never
reads them."""

from __future__ import annotations

from typing import Any

import pytest

from veilleur.detect.text_harm import detector
from veilleur.detect.text_harm.detector import TextHarmAnalyzer

LOADERS = ("load_threat_head", "load_patient_head", "load_group_head", "load_category_layer")


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The heads' loaders, recording the files they are asked for (and loading them as shipped)."""
    calls: list[str] = []
    for name in LOADERS:
        real = getattr(detector, name)

        def load(file: str, real: Any = real) -> Any:
            calls.append(file)
            return real(file)

        monkeypatch.setattr(detector, name, load)
    return calls


def test_the_fast_tier_reads_no_head_file(loaded: list[str]) -> None:
    an = TextHarmAnalyzer(semantic=False)
    out = an.analyze(["quel con ce chef", "les migrants dehors", "bonjour à tous"], ["fr", "fr", "fr"])
    assert [a.tiers.get("group_head") for a in out] == [None, None, None]
    assert loaded == []


def test_a_head_is_read_once_on_first_use_with_the_policy_thresholds(loaded: list[str]) -> None:
    an = TextHarmAnalyzer(semantic=False)
    policy = detector.load_policy()
    assert an.group_head is not None and an.group_head is an.group_head
    assert an.group_head_threshold == policy["group_head"]["threshold"]
    assert an.category_layer is not None and an.category_layer.categories
    assert an.patient_head_threshold == policy["patient_head"]["threshold"]
    # no threshold in the policy: the head's own
    assert an.threat_head is not None and an.threat_head_threshold == an.threat_head.threshold
    assert sorted(loaded) == sorted(
        policy[k]["file"] for k in ("group_head", "category_layer", "patient_head", "threat_head")
    )
