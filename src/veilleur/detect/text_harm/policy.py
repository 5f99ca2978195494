"""The keys of the text-harm decision policy (``data/policy.yaml``), their types, and the check made when it loads.

The detector reads the policy with defaults (``dict.get``): a key spelt wrong (``group_haed:``, ``treshold:``), a
value of the wrong type or a category name with a typo would be read as absent and fall back to a default in
silence; for a head's ``file``, the head would not run at all. ``check_policy`` refuses, at load, any key this
module does not declare, a value of another type, a category the model does not know and a head file that does not
ship in ``data/``: ``read_policy`` raises ``ConfigError`` with one line naming the file and the key's path (the CLI
prints it and exits 2). A new policy key is declared here, beside the code that reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import ConfigError
from veilleur.taxonomy import Severity

# a check: raises PolicyValueError(problem) when the value is wrong; ``path`` names the key ("cascade.low_band.below")
Check = Callable[[Any, str], None]


class PolicyValueError(ValueError):
    """One wrong value or key of the policy: ``str()`` is the line shown to the user."""


def _type_name(v: Any) -> str:
    return "null" if v is None else type(v).__name__


def number(v: Any, path: str) -> None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise PolicyValueError(f"{path}: expected a number, got {_type_name(v)} {v!r}")


def integer(v: Any, path: str) -> None:
    if isinstance(v, bool) or not isinstance(v, int):
        raise PolicyValueError(f"{path}: expected a whole number, got {_type_name(v)} {v!r}")


def text(v: Any, path: str) -> None:
    if not isinstance(v, str):
        raise PolicyValueError(f"{path}: expected a string, got {_type_name(v)} {v!r}")


def or_null(check: Check) -> Check:
    def run(v: Any, path: str) -> None:
        if v is not None:
            check(v, path)

    return run


def one_of(*choices: str) -> Check:
    def run(v: Any, path: str) -> None:
        if not isinstance(v, str) or v.lower() not in choices:
            raise PolicyValueError(f"{path}: expected one of {', '.join(choices)}, got {v!r}")

    return run


def severity(v: Any, path: str) -> None:
    try:
        Severity.parse(v)
    except (ValueError, AttributeError, TypeError):
        names = ", ".join(s.name.lower() for s in Severity)
        raise PolicyValueError(f"{path}: expected a severity ({names}), got {v!r}") from None


def list_of(check: Check) -> Check:
    def run(v: Any, path: str) -> None:
        if not isinstance(v, list):
            raise PolicyValueError(f"{path}: expected a list, got {_type_name(v)} {v!r}")
        for i, x in enumerate(v):
            check(x, f"{path}[{i}]")

    return run


def pair(check: Check) -> Check:
    def run(v: Any, path: str) -> None:
        list_of(check)(v, path)
        if len(v) != 2:
            raise PolicyValueError(f"{path}: expected two values [low, high], got {len(v)}")

    return run


def _mapping(v: Any, path: str) -> Mapping[Any, Any]:
    if not isinstance(v, dict):
        raise PolicyValueError(
            f"{path or 'the policy'}: expected a mapping (key: value), got {_type_name(v)} {v!r}"
        )
    return v


def section(spec: Mapping[str, Check]) -> Check:
    """A mapping whose keys are those of ``spec`` (any of them may be absent), each value checked by its check."""

    def run(v: Any, path: str) -> None:
        for k, x in _mapping(v, path).items():
            where = f"{path}.{k}" if path else str(k)
            if k not in spec:
                raise PolicyValueError(f"{where}: unknown key (known here: {', '.join(sorted(spec))})")
            spec[k](x, where)

    return run


def category(v: Any, path: str) -> None:
    from veilleur.detect.text_harm.model import MODEL_CATEGORIES

    if v not in MODEL_CATEGORIES:
        raise PolicyValueError(f"{path}: unknown category {v!r} (known: {', '.join(MODEL_CATEGORIES)})")


def per_category(check: Check) -> Check:
    """A mapping from the model's category names to values checked by ``check``."""

    def run(v: Any, path: str) -> None:
        for k, x in _mapping(v, path).items():
            category(k, f"{path}.{k}")
            check(x, f"{path}.{k}")

    return run


def data_file(v: Any, path: str) -> None:
    """The name of a file shipped in ``detect/text_harm/data/`` (a head's weights)."""
    text(v, path)
    if not resources.files("veilleur.detect.text_harm").joinpath("data", v).is_file():
        raise PolicyValueError(f"{path}: no file {v!r} in veilleur/detect/text_harm/data/")


def head(**extra: Check) -> Check:
    """A learned head's section: its weights' ``file`` and the keys of that head."""
    return section({"file": data_file, **extra})


LOW_BAND = section(
    {
        "below": number,
        "hint_min": number,
        "semantic_min": number,
        "any_gate": number,
        "any_harm_threshold": or_null(number),
        "category_min": per_category(number),
        "category_any_gate": per_category(number),
    }
)
CASCADE_KEYS: dict[str, Check] = {
    "fast_confident": number,
    "fast_clear": number,
    "min_letters": integer,
    "semantic_min": number,
    "semantic_any_gate": number,
    "any_best_min": number,
    "any_harm_threshold": or_null(number),
    "lexicon_veto": number,
    "lexicon_veto_spares": list_of(category),
    "semantic_max": number,
    "low_band": LOW_BAND,
    "hint": section({"any": number, "category_min": number, "unless": list_of(text)}),
    "category_min": per_category(number),
    "category_any_gate": per_category(number),
}
# `e5_cascade`: the keys of `cascade` it replaces, and the e5 stage's own
E5_CASCADE_KEYS: dict[str, Check] = {
    **CASCADE_KEYS,
    "ensemble_band": or_null(pair(number)),
    "e5_weight": number,
    "combine": one_of("mean", "geometric"),
    "e5_sure": section({"min": number, "any": number, "categories": per_category(number)}),
    "e5_threads": integer,
}
POLICY = section(
    {
        "default_threshold": number,
        "raise_at": number,
        "categories": per_category(section({"threshold": number, "severity": severity, "max": severity})),
        "short_message": section({"min_words": integer, "model_factor": number}),
        "uncertain_band": pair(number),
        "cascade": section(CASCADE_KEYS),
        "semantic_stage": one_of("use", "e5", "ensemble"),
        "e5_cascade": section(E5_CASCADE_KEYS),
        "threat_head": head(threshold=number, alone=or_null(number)),
        "patient_head": head(threshold=number, cue_threshold=or_null(number)),
        "group_head": head(
            threshold=number,
            group_min=number,
            open_threshold=or_null(number),
            stance_max=number,
            unless=list_of(text),
        ),
        "category_layer": head(),
        "stance_head": head(),
    }
)


def check_policy(data: Any) -> None:
    """Raises ``PolicyValueError`` at the first unknown key or wrong value of a parsed policy."""
    POLICY(data, "")


def read_policy(path: Path | Any) -> dict[str, Any]:
    """The policy in ``path`` (a path or an importlib resource), checked: ``ConfigError`` naming the file when it
    cannot be read, is not YAML or does not pass ``check_policy``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: the text-harm policy cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ConfigError(f"{path}: the text-harm policy is not valid YAML{line}") from None
    try:
        check_policy(data)
    except PolicyValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    assert isinstance(data, dict)
    return data
