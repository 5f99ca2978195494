"""Tier 3: the LLM judge against a fake OpenAI-compatible server on 127.0.0.1 (answers, garbage, timeouts)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer, create
from veilleur.detect.text_harm.llm import LLMJudge, answer_schema, judge_from_settings, parse_verdict
from veilleur.detect.text_harm.model import MODEL_CATEGORIES


class FakeLLM:
    """What the fake server answers next, and what it received."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.insult = 0.93


def make_handler(state: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions":
                self.send_response(404)
                self.end_headers()
                return
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "500":
                self.send_response(500)
                self.end_headers()
                return
            scores = {c: 0.02 for c in MODEL_CATEGORIES}
            scores["insult"] = state.insult
            content = json.dumps({"scores": scores, "rationale": "Injure directe envers un collègue."})
            if state.mode == "garbage":
                content = "Sure! The message is insulting."
            elif state.mode == "wrong_type":
                content = json.dumps({"scores": {"insult": "high"}, "rationale": "x"})
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": content}}]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, FakeLLM]]:
    state = FakeLLM()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_judge_asks_with_json_schema(server: tuple[str, FakeLLM]) -> None:
    url, state = server
    judge = LLMJudge(url, "tiny-model", api_key="sk-test", budget=5, timeout=5)
    v = judge.judge("ce chef est un abruti", {"insult": 0.55})
    assert v is not None and v.scores["insult"] == pytest.approx(0.93)
    assert "Injure" in v.rationale
    req = state.requests[0]
    assert req["model"] == "tiny-model"
    assert req["response_format"]["type"] == "json_schema"
    assert req["response_format"]["json_schema"]["schema"] == answer_schema()
    assert "ce chef est un abruti" in req["messages"][1]["content"]
    assert state.headers[0]["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize("mode", ["garbage", "wrong_type", "500"])
def test_bad_answers_keep_tier1(server: tuple[str, FakeLLM], mode: str) -> None:
    url, state = server
    state.mode = mode
    judge = LLMJudge(url, "m", budget=5, timeout=5)
    assert judge.judge("texte", {}) is None
    assert judge.failures == 1


def test_timeout_then_circuit_breaker(server: tuple[str, FakeLLM]) -> None:
    url, state = server
    state.mode = "slow"
    judge = LLMJudge(url, "m", budget=10, timeout=0.3, max_failures=2)
    t0 = time.monotonic()
    assert judge.judge("a", {}) is None
    assert judge.judge("b", {}) is None
    assert judge.judge("c", {}) is None  # breaker open: no third call
    assert time.monotonic() - t0 < 3
    assert len(state.requests) == 2


class FixedTier1(TextHarmAnalyzer):
    """Tier 1 replaced by fixed scores, to test the cascade precisely."""

    def __init__(self, fixed: dict[str, float], **kw: Any) -> None:
        super().__init__(**kw)
        self.fixed = fixed

    def _tier1(self, texts: list[str], langs: list[str]) -> list[Analysis]:
        return [
            Analysis(text=t, lang="fr", scores={c: 0.0 for c in MODEL_CATEGORIES} | {"insult": self.fixed[t]})
            for t in texts
        ]


def test_cascade_only_uncertain_and_within_budget(server: tuple[str, FakeLLM]) -> None:
    url, state = server
    judge = LLMJudge(url, "m", budget=2, timeout=5)
    fixed = {"sûr": 0.98, "propre": 0.01, "doute1": 0.5, "doute2": 0.45, "doute3": 0.62}
    an = FixedTier1(fixed, judge=judge, semantic=False)  # tier-1 scores as given, no semantic tier
    res = {a.text: a for a in an.analyze(list(fixed), langs=["fr"] * 5)}
    judged = [json.loads(json.dumps(r["messages"][1]["content"])) for r in state.requests]
    assert len(judged) == 2  # budget
    assert any("doute1" in j for j in judged) and any("doute2" in j for j in judged)  # closest to 0.5 first
    assert res["doute1"].scores["insult"] == pytest.approx(0.93) and "tier3" in res["doute1"].tiers
    assert res["doute3"].scores["insult"] == 0.62 and "tier3" not in res["doute3"].tiers
    assert res["sûr"].scores["insult"] == 0.98 and res["propre"].scores["insult"] == 0.01
    assert "Avis du juge LLM" in res["doute1"].explanation
    judge.reset_budget()
    assert judge.available


def test_nothing_configured_means_no_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("VEILLEUR_TEXT_HARM_LLM_ENDPOINT", "VEILLEUR_TEXT_HARM_LLM_MODEL"):
        monkeypatch.delenv(k, raising=False)
    assert judge_from_settings(lambda key, default=None: default) is None


def test_configured_by_toml(
    server: tuple[str, FakeLLM], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    url, state = server
    (tmp_path / "veilleur.toml").write_text(
        f'[text_harm]\nllm_endpoint = "{url}"\nllm_model = "judge-1"\nllm_budget = 3\n', encoding="utf-8"
    )
    monkeypatch.setenv("VEILLEUR_HOME", str(tmp_path))
    monkeypatch.delenv("VEILLEUR_CONFIG", raising=False)
    monkeypatch.delenv("VEILLEUR_TEXT_HARM_LLM_ENDPOINT", raising=False)
    from veilleur.config import load_settings

    det = create(**load_settings().detector_options("text_harm"))  # the factory gets its [text_harm] section
    judge = det.analyzer.judge
    assert judge is not None and judge.model == "judge-1" and judge.budget == 3
    assert judge.url == url + "/chat/completions"


def test_parse_verdict_strips_code_fence() -> None:
    v = parse_verdict('```json\n{"scores": {"threat": 1.4, "unknown": 0.3}, "rationale": "menace"}\n```')
    assert v.scores == {"threat": 1.0}
    with pytest.raises(ValueError):
        parse_verdict('{"rationale": "no scores"}')
