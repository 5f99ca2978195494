"""The shipped cascade on three team writers' files that nothing was ever trained or tuned on (session 5:
tests/data/text_harm_unseen/, README there). Measured before the révision 8 rules were merged (révision 7:
any-harm P 0.952, R 0.750 over the three files) and after (P 0.951, R 0.844): the bars sit between, so the
révision 7 default fails them. Counter-speech (quoting or denouncing hate) flagged stays bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.evaluate import read_labelled

UNSEEN = Path(__file__).resolve().parents[2] / "data" / "text_harm_unseen"
P_MIN, R_MIN, COUNTER_MAX = 0.93, 0.82, 0.10


@pytest.fixture(scope="module")
def scored() -> list[tuple[bool, bool, str]]:
    an = TextHarmAnalyzer()
    out: list[tuple[bool, bool, str]] = []
    for w in ("writer19", "writer20", "writer21"):
        rows = read_labelled(UNSEEN / f"{w}.jsonl")  # the phenomenon comes as `functionality`
        assert len(rows) >= 1000 and all(r.functionality for r in rows)
        for row, res in zip(rows, an.analyze([r.text for r in rows]), strict=True):
            out.append((bool(row.labels), bool(res.flagged(an.thresholds)), str(row.functionality)))
    return out


def test_cascade_precision_and_recall_on_writers_never_trained_on(
    scored: list[tuple[bool, bool, str]],
) -> None:
    tp = sum(g and p for g, p, _ in scored)
    fp = sum(p and not g for g, p, _ in scored)
    pos = sum(g for g, _, _ in scored)
    prec, rec = tp / max(1, tp + fp), tp / pos
    assert 0.4 < pos / len(scored) < 0.7
    assert prec >= P_MIN and rec >= R_MIN, (prec, rec)


def test_counter_speech_flagged_stays_bounded(scored: list[tuple[bool, bool, str]]) -> None:
    counter = [(g, p) for g, p, ph in scored if ph.startswith("counter_speech")]
    assert len(counter) >= 200 and not any(g for g, _ in counter)
    assert sum(p for _, p in counter) / len(counter) <= COUNTER_MAX
