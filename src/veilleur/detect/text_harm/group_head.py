"""Révision 18b (s15-hate): a small learned head for hate against a group written without an insult word.

Calls for violence or elimination, contempt ("je ne supporte pas les …"), dehumanising metaphors, negated positives,
hate put as an opinion or a question: the semantic tier often scores them low (docs/text_harm.md, révision 18b: most
of the misses of writers 42 and 44's odd ids reach the semantic tier and get an "any harm" under 0.3). This head
reads the message's normalised text, featurised exactly as the threat head's (``threat_head.counts`` /
``threat_head.weigh``: hashed character 2–5-grams and word 1–2-grams, sublinear tf × idf, each block l2-normalised);
a logistic regression gives P(hate against a group) (a ``discrimination:*`` label on the team line).

In the cascade only, it reads the messages the semantic tier read and left **unflagged**, that carry no context of
reported or refuted speech (policy ``group_head.unless``) and where a group is named (``frames``' group words, or
"these people"…) or the semantic tier gives a group-hate category at least ``group_min``; at or over its bar, and
where the stance head (révision 16a) does not read counter-speech (its probability under ``stance_max``), the message
takes the group's category (the named group's ground, else the group-hate category the semantic tier ranks first) at
its threshold: tier ``group_head`` (the head's probability), context ``group_head``.

Trained by ``train_group_head.py`` on team files; the weights ship as ``data/group_head.npz`` (float32 idf and
coefficients, no pickle; the threat head's format).
"""

from __future__ import annotations

from typing import Any

from veilleur.detect.text_harm.threat_head import ThreatHead, load_data, read_threat_head

# the same head class: featurisation, logistic, .npz format
GroupHead = ThreatHead


def is_group_hate(row: dict[str, Any]) -> bool:
    """A team line's label: a ``discrimination:*`` category among its labels."""
    return any(str(c).startswith("discrimination:") for c in (row.get("labels") or []))


def load_group_head(name: str = "group_head.npz") -> GroupHead | None:
    """The shipped head (``data/<name>``), or None when absent."""
    return load_data(name, read_threat_head)
