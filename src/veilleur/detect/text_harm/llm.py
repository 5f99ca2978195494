"""Tier 3: an LLM judge behind an OpenAI-compatible ``/v1/chat/completions`` endpoint (Ollama, vLLM, llama.cpp).

Asked only about uncertain tier-1 messages, within a per-scan budget of calls. Nothing leaves the machine
unless an endpoint is configured (``[text_harm] llm_endpoint`` or ``VEILLEUR_TEXT_HARM_LLM_ENDPOINT``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import httpx
import yaml

from veilleur.detect.text_harm.model import MODEL_CATEGORIES

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    scores: dict[str, float]
    rationale: str


@lru_cache(maxsize=1)
def load_prompt() -> dict[str, str]:
    ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("llm_judge.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {"system": str(data["system"]), "user": str(data["user"])}


def answer_schema(categories: tuple[str, ...] = MODEL_CATEGORIES) -> dict[str, Any]:
    """JSON schema of the judge's answer: a probability per category and a short rationale."""
    return {
        "type": "object",
        "properties": {
            "scores": {
                "type": "object",
                "properties": {c: {"type": "number", "minimum": 0, "maximum": 1} for c in categories},
                "required": list(categories),
                "additionalProperties": False,
            },
            "rationale": {"type": "string"},
        },
        "required": ["scores", "rationale"],
        "additionalProperties": False,
    }


class LLMJudge:
    """Second opinion from an LLM. Returns ``None`` (keep tier 1) on budget exhausted, timeout or bad answer."""

    def __init__(
        self,
        endpoint: str,
        model: str,
        api_key: str | None = None,
        budget: int = 50,
        timeout: float = 30.0,
        max_failures: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        base = endpoint.rstrip("/")
        if not base.endswith("/chat/completions"):
            base = base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")
        self.url = base
        self.model = model
        self.budget = int(budget)
        self.used = 0
        self.failures = 0
        self.max_failures = max_failures
        headers = {"Content-Type": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.client = httpx.Client(timeout=timeout, headers=headers, transport=transport)
        self.prompt = load_prompt()

    def reset_budget(self, budget: int | None = None) -> None:
        """Start a new scan's budget."""
        self.used = 0
        self.failures = 0
        if budget is not None:
            self.budget = int(budget)

    @property
    def available(self) -> bool:
        return self.used < self.budget and self.failures < self.max_failures

    def judge(self, text: str, scores: dict[str, float] | None = None) -> Verdict | None:
        if not self.available:
            return None
        self.used += 1
        cats = ", ".join(MODEL_CATEGORIES)
        shown = json.dumps(
            {c: round(v, 2) for c, v in (scores or {}).items() if v >= 0.1}, ensure_ascii=False
        )
        user = (
            self.prompt["user"]
            .replace("{categories}", cats)
            .replace("{scores}", shown)
            .replace("{text}", text)
        )
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": self.prompt["system"]},
                {"role": "user", "content": user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "harm_verdict", "strict": True, "schema": answer_schema()},
            },
        }
        try:
            resp = self.client.post(self.url, json=body)
            resp.raise_for_status()
            content = resp.json()["choices"][0]["message"]["content"]
            verdict = parse_verdict(content)
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            self.failures += 1
            # never log the message text or the key: only the kind of failure
            log.warning("LLM judge unavailable or answered badly (%s)", exc.__class__.__name__)
            return None
        self.failures = 0
        return verdict

    def close(self) -> None:
        self.client.close()


def parse_verdict(content: Any) -> Verdict:
    """Validate the judge's JSON answer; raise ValueError when it does not fit the schema."""
    if isinstance(content, str):
        content = content.strip()
        if content.startswith("```"):  # some servers wrap JSON in a code fence
            content = content.strip("`").removeprefix("json").strip()
        data = json.loads(content)
    else:
        data = content
    if not isinstance(data, dict) or not isinstance(data.get("scores"), dict):
        raise ValueError("answer has no 'scores' object")
    scores: dict[str, float] = {}
    for c, v in data["scores"].items():
        if c not in MODEL_CATEGORIES:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"score for {c} is not a number")
        scores[c] = min(max(float(v), 0.0), 1.0)
    if not scores:
        raise ValueError("answer has no known category")
    return Verdict(scores=scores, rationale=str(data.get("rationale", ""))[:500])


def judge_from_settings(
    get: Callable[[str, Any], Any], options: dict[str, Any] | None = None
) -> LLMJudge | None:
    """The configured judge, or None when no endpoint is set (the default: nothing leaves the machine)."""
    options = options or {}
    endpoint = options.get("llm_endpoint") or get("text_harm.llm_endpoint", None)
    if not endpoint:
        return None
    model = options.get("llm_model") or get("text_harm.llm_model", None) or "default"
    secret = options.get("llm_api_key") or get(
        "text_harm.llm_api_key", None
    )  # a SecretStr (config resolves it)
    api_key = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    budget = int(options.get("llm_budget") or get("text_harm.llm_budget", 50))
    timeout = float(options.get("llm_timeout") or get("text_harm.llm_timeout", 30.0))
    return LLMJudge(str(endpoint), str(model), api_key=api_key, budget=budget, timeout=timeout)
