"""Fixtures shared by the text-harm tests."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon, load_lexicon


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    """The shipped lexicon, loaded once per test module."""
    return load_lexicon()
