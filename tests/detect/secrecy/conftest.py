"""Shared fixtures: the evaluation set is analysed once per session (the spaCy model loads once)."""

from __future__ import annotations

from typing import Any

import pytest

from veilleur.detect.secrecy.evaluate import evaluate_ours, load_set


@pytest.fixture(scope="session")
def heldout_report() -> dict[str, Any]:
    return evaluate_ours(load_set(split="heldout"))


@pytest.fixture(scope="session")
def blind_report() -> dict[str, Any]:
    return evaluate_ours(load_set(split="blind"))
