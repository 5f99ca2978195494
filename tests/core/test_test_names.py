"""Review, session 16: a test is named for what it checks. A range of the report-only writers in a test's name
("…_writers_37_43") drifts as writers join that list (the test then checks 37–45 under a name that says 37–43); the
name says "report-only" and the code reads the list (``semantic_corpus.ODD_ONLY_WRITERS``)."""

from __future__ import annotations

import re
from pathlib import Path

from veilleur.detect.text_harm.semantic_corpus import ODD_ONLY_NUMBERS

TESTS = Path(__file__).parents[1]
TEST_DEF = re.compile(r"^def (test_\w+)\(", re.MULTILINE)


def test_no_test_is_named_by_a_range_of_the_report_only_writers() -> None:
    named = []
    for p in sorted(TESTS.rglob("test_*.py")):
        if "data" in p.relative_to(TESTS).parts:
            continue
        for name in TEST_DEF.findall(p.read_text(encoding="utf-8")):
            for a, b in re.findall(r"_(\d+)_(\d+)(?=_|$)", name):
                if int(a) in ODD_ONLY_NUMBERS and int(b) in ODD_ONLY_NUMBERS:
                    named.append(f"{p.relative_to(TESTS)}::{name}")
    assert named == []
