"""Settings of the text harm detector: ``[text_harm]`` in veilleur.toml, passed to its factory as options."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import SecretStr, section, setting


@section("text_harm", detector="text_harm")
@dataclass(frozen=True)
class TextHarmSettings:
    threshold: float | None = setting(
        None, "one threshold for every category (default: those of policy.yaml)"
    )
    hf_model: str | None = setting(
        None, "tier 2: folder of a local Hugging Face classifier", aliases=("VEILLEUR_TEXT_HARM_HF_MODEL",)
    )
    hf_labels: str | None = setting(
        None, "tier 2: YAML/JSON map model label -> category", aliases=("VEILLEUR_TEXT_HARM_HF_LABELS",)
    )
    hf_combine: str = setting("max", "tier 2 combined with tier 1: max or replace")
    llm_endpoint: str | None = setting(
        None,
        "tier 3: OpenAI-compatible server (none: nothing leaves the machine)",
        aliases=("VEILLEUR_TEXT_HARM_LLM_ENDPOINT",),
    )
    llm_model: str | None = setting(None, "tier 3: model name", aliases=("VEILLEUR_TEXT_HARM_LLM_MODEL",))
    llm_budget: int = setting(50, "tier 3: calls per analysis", aliases=("VEILLEUR_TEXT_HARM_LLM_BUDGET",))
    llm_timeout: float = setting(
        30.0, "tier 3: seconds per call", aliases=("VEILLEUR_TEXT_HARM_LLM_TIMEOUT",)
    )
    llm_api_key_env: str = setting(
        "VEILLEUR_TEXT_HARM_LLM_API_KEY", "name of the environment variable holding the key"
    )
    llm_api_key: SecretStr | None = setting(
        None,
        "tier 3: API key (better in the variable named by llm_api_key_env)",
        secret_env_from="llm_api_key_env",
    )
