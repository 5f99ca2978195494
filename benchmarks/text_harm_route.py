"""Routing and weighting of the cascade's semantic stage (e5 + USE heads), measured on the team's dev data.

Run: ``.venv/bin/python benchmarks/text_harm_route.py [--e5-onnx FILE] [--cache F.npz] [--extra FILE ...]
[--configs a,b] [--breakdown] [--json]``.

Each stage's probabilities are computed once per text (and kept in ``--cache``, keyed by the model file, so
that a second run costs only the fast tier); each configuration mixes them: ``w`` = e5's weight in the mean of the
two calibrated probabilities (1.0 = e5 alone, 0.0 = the USE heads alone), ``band`` = e5 runs only where USE's
"_any" lies in it (USE alone decides elsewhere), and ``e5_cascade`` = the keys that replace policy.yaml's
``cascade`` (as ``e5_cascade`` does in the shipped policy). Figures per set: any-harm P / R, false alarms on
harmless and on clinical rows, counter-speech flagged, macro-F1; the demo through the detector (as
``benchmarks/text_harm_demo.py``). Sets: team held-out, chatter, groups_dev, person_dev, the public held-out
splits (read in place) and any ``--extra`` labelled file (e.g. a writer's file before it is trained on).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.e5 import E5UseEnsemble
from veilleur.detect.text_harm.model import MODEL_CATEGORIES

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(Path(__file__).parent))

# the shipped e5_cascade (e5 v3): révision 5's low band + révision 6's sexual bar
LOW5: dict[str, Any] = {
    "below": 0.2,
    "semantic_min": 0.8,
    "any_gate": 0.7,
    "any_harm_threshold": None,
    "category_min": {"sexual": 0.6},
    "category_any_gate": {"sexual": 0.05},
}
GROUPS = [c for c in MODEL_CATEGORIES if c.startswith("discrimination:")]


def _low(**kw: Any) -> dict[str, Any]:
    d = json.loads(json.dumps(LOW5))
    for k, v in kw.items():
        if k in ("category_min", "category_any_gate"):
            d[k] = {**d[k], **v}
        else:
            d[k] = v
    return d


PERSON: dict[str, Any] = {
    "category_min": {"sexual": 0.4, "threat": 0.4, "harassment": 0.4},
    "category_any_gate": {"sexual": 0.05, "threat": 0.2, "harassment": 0.2},
}

# révision 6's low-band bars for harms aimed at a person, on top of LOW5
LOWP = _low(
    category_min={"threat": 0.7, "harassment": 0.6},
    category_any_gate={"threat": 0.3, "harassment": 0.2},
)

# name -> (w, band, e5_cascade); w None = the USE cascade as policy.yaml's `cascade` has it (stage named "use")
CONFIGS: dict[str, tuple[float | None, tuple[float, float] | None, dict[str, Any]]] = {
    "fast": (None, None, {"fast_only": True}),  # the fast tier alone (no semantic stage)
    "use": (None, None, {}),
    "ens50_band": (0.5, (0.02, 0.98), {"low_band": LOW5}),
    "ens60_band": (0.6, (0.02, 0.98), {"low_band": LOW5}),
    "ens70_band": (0.7, (0.02, 0.98), {"low_band": LOW5}),
    "ens80_band": (0.8, (0.02, 0.98), {"low_band": LOW5}),
    "ens70": (0.7, None, {"low_band": LOW5}),
    "ens80": (0.8, None, {"low_band": LOW5}),
    "e5_low5": (1.0, None, {"low_band": LOW5}),
    "e5_band": (1.0, (0.02, 0.98), {"low_band": LOW5}),
    "e5_low9": (1.0, None, {"low_band": _low(semantic_min=0.9, any_gate=0.85)}),
    "ens70_low9": (0.7, None, {"low_band": _low(semantic_min=0.85, any_gate=0.8)}),
    "ens80_grp9": (0.8, None, {"low_band": _low(category_min={g: 0.9 for g in GROUPS})}),
    # révision 6's person-directed bars in the ordinary band (sexual, threat, harassment at 0.4 with low gates)
    "ens50_band_pers": (0.5, (0.02, 0.98), {"low_band": LOW5, **PERSON}),
    "ens60_band_pers": (0.6, (0.02, 0.98), {"low_band": LOW5, **PERSON}),
    "ens70_band_pers": (0.7, (0.02, 0.98), {"low_band": LOW5, **PERSON}),
    "ens80_band_pers": (0.8, (0.02, 0.98), {"low_band": LOW5, **PERSON}),
    "e5_pers": (1.0, None, {"low_band": LOW5, **PERSON}),
    # e5 decides what the USE heads route to it (narrower bands: fewer texts reach e5, faster)
    "e5_band05": (1.0, (0.05, 0.98), {"low_band": LOW5}),
    "e5_band10": (1.0, (0.1, 0.98), {"low_band": LOW5}),
    "e5_band05_99": (1.0, (0.05, 0.99), {"low_band": LOW5}),
    "ens55_band": (0.55, (0.02, 0.98), {"low_band": LOW5}),
    "ens60_band_lp": (0.6, (0.02, 0.98), {"low_band": LOWP}),
    "ens55_band_lp": (0.55, (0.02, 0.98), {"low_band": LOWP}),
    "ens50_band_lp": (0.5, (0.02, 0.98), {"low_band": LOWP}),
    "ens65_band": (0.65, (0.02, 0.98), {"low_band": LOW5}),
    # "_any" alone never flags (any_harm_threshold above 1): it was set for the USE heads
    "ens55_band_lp_na": (0.55, (0.02, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
    "ens60_band_lp_na": (0.6, (0.02, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
    "ens70_band_lp_na": (0.7, (0.02, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
    "e5_band_na": (1.0, (0.02, 0.98), {"low_band": LOW5, "any_harm_threshold": 1.01}),
    "e5_band_lp_na": (1.0, (0.02, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
    "ens55_band05_lp_na": (0.55, (0.05, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
    "ens55_band10_lp_na": (0.55, (0.1, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01}),
}

# révision 7's default rules (policy.yaml's e5_cascade: band [0.05, 0.98], révision 6's person bars in the low band,
# "_any" alone silent) at e5 weights 0.55-1.0: "r7_w70" is the shipped default, "r7_w100" e5 deciding in the band
R7_WEIGHTS = (0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)
for _w in R7_WEIGHTS:
    CONFIGS[f"r7_w{round(_w * 100)}"] = (_w, (0.05, 0.98), {"low_band": LOWP, "any_harm_threshold": 1.01})

# révision 8 (session 5): combination rules on top of révision 7's (the integrator's observation: the weighted mean
# loses clear cases the USE heads miss). "r8_w{w}_s{x}_{y}": e5 decides a category where it gives it >= x with its
# "_any" >= y (`e5_sure`); "r8_geo_w{w}": weighted geometric mean instead of the arithmetic one
R7 = {"low_band": LOWP, "any_harm_threshold": 1.01}
for _w in (0.6, 0.7, 0.8):
    for _x, _y in ((0.8, 0.9), (0.85, 0.95), (0.9, 0.95), (0.9, 0.98), (0.95, 0.98)):
        CONFIGS[f"r8_w{round(_w * 100)}_s{round(_x * 100)}_{round(_y * 100)}"] = (
            _w,
            (0.05, 0.98),
            {**R7, "e5_sure": {"min": _x, "any": _y}},
        )
    CONFIGS[f"r8_geo_w{round(_w * 100)}"] = (_w, (0.05, 0.98), {**R7, "combine": "geometric"})
# révision 8's default (policy.yaml's e5_cascade): e5 v5 weighted 0.6, e5 sure (>= 0.8 with "_any" >= 0.9; harassment
# >= 0.5) decides its categories
SHIPPED_R8 = "r8_w60_s80_90_h50"
CONFIGS[SHIPPED_R8] = (
    0.6,
    (0.05, 0.98),
    {**R7, "e5_sure": {"min": 0.8, "any": 0.9, "categories": {"harassment": 0.5}}},
)
# révision 9's default (policy.yaml's e5_cascade): e5 v8 weighted 0.7, the same e5-sure bars as révision 8
SHIPPED_R9 = "r9_w70_s80_90_h50"
CONFIGS[SHIPPED_R9] = (
    0.7,
    (0.05, 0.98),
    {**R7, "e5_sure": {"min": 0.8, "any": 0.9, "categories": {"harassment": 0.5}}},
)
# révision 10's default: the band's lower bound back at 0.02 (e5 v8 sees the identity-hate tweets the USE heads score
# under 0.05) and e5's own "_any" bar for "e5 sure" at 0.85; both chosen on the FTR held-out split's half "a"
# (`--split-public`). "r10_w70_b02_s80_90_h50": the band alone
CONFIGS["r10_w70_b02_s80_90_h50"] = (0.7, (0.02, 0.98), CONFIGS[SHIPPED_R9][2])
SHIPPED_R10 = "r10_w70_b02_s80_85_h50"
CONFIGS[SHIPPED_R10] = (
    0.7,
    (0.02, 0.98),
    {**R7, "e5_sure": {"min": 0.8, "any": 0.85, "categories": {"harassment": 0.5}}},
)
# révision 17b (s14-use): the USE heads retrained (writers 8-35, odd ids of 37-43); the low band's threat bar 0.7 -> 0.6
# (chosen on person_dev, chatter, groups_dev and writers 37-43's odd ids: the retrained heads put one veiled threat of
# person_dev at 0.64), the rest as révision 10
SHIPPED_R17B = "r17b_w70_b02_s80_85_h50_t60"
CONFIGS[SHIPPED_R17B] = (
    0.7,
    (0.02, 0.98),
    {
        **CONFIGS[SHIPPED_R10][2],
        "low_band": _low(
            category_min={"threat": 0.6, "harassment": 0.6},
            category_any_gate={"threat": 0.3, "harassment": 0.2},
        ),
    },
)
SHIPPED = SHIPPED_R17B
# révision 11c: lower e5-sure category bars with the shipped band ("r11_s{min}_{any}"), chosen on writer 34's half
# "a" and the FTR held-out half "a"
for _x in (0.6, 0.7, 0.75):
    for _y in (0.85, 0.9, 0.95):
        CONFIGS[f"r11_s{round(_x * 100)}_{round(_y * 100)}"] = (
            0.7,
            (0.02, 0.98),
            {**R7, "e5_sure": {"min": _x, "any": _y, "categories": {"harassment": 0.5}}},
        )
# a lexicon term loses its score where the stage's "_any" is under `lexicon_veto` (0.05 in `cascade`): higher bars
# for the e5 stage (friendly insults between teenagers, "t'es con jtm")
for _v in (0.2, 0.3, 0.4):
    for _w, _x, _y in ((0.6, 0.9, 0.95), (0.6, 0.8, 0.9), (0.7, 0.9, 0.95)):
        CONFIGS[f"r8_w{round(_w * 100)}_s{round(_x * 100)}_{round(_y * 100)}_v{round(_v * 100)}"] = (
            _w,
            (0.05, 0.98),
            {**R7, "e5_sure": {"min": _x, "any": _y}, "lexicon_veto": _v},
        )
# lower low-band bars for the ensemble ("lo75", "lo70"), per-category e5 bars for the person-directed harms ("pc")
PCAT = {"threat": 0.6, "harassment": 0.7, "insult": 0.8, "sexual": 0.7}
for _w in (0.6, 0.7, 0.8):
    for _lo in (0.75, 0.7):
        CONFIGS[f"r8_w{round(_w * 100)}_s90_95_lo{round(_lo * 100)}"] = (
            _w,
            (0.05, 0.98),
            {**R7, "low_band": {**LOWP, "semantic_min": _lo}, "e5_sure": {"min": 0.9, "any": 0.95}},
        )
    CONFIGS[f"r8_w{round(_w * 100)}_s90_95_pc"] = (
        _w,
        (0.05, 0.98),
        {**R7, "e5_sure": {"min": 0.9, "any": 0.95, "categories": PCAT}},
    )
    CONFIGS[f"r8b02_w{round(_w * 100)}_s90_95"] = (
        _w,
        (0.02, 0.98),
        {**R7, "e5_sure": {"min": 0.9, "any": 0.95}},
    )
# the band's lower bound at 0.02 (more texts reach e5) with the shipped rules
for _w in (0.7, 0.8, 1.0):
    CONFIGS[f"r7b02_w{round(_w * 100)}"] = (_w, (0.02, 0.98), dict(R7))


def public_half(text: str) -> str:
    """Fixed half ("a" or "b") of a public held-out text, by hash: thresholds chosen on "a" are reported on "b"."""
    return (
        "a" if int(hashlib.sha256(("half|" + text.strip()).encode("utf-8")).hexdigest()[:8], 16) % 2 else "b"
    )


class CachedProbs:
    """One stage's calibrated probabilities, computed once per text; saved to disk between runs."""

    def __init__(self, stage: Any, path: Path | None) -> None:
        self.stage, self.path = stage, path
        self.categories = tuple(stage.categories)
        self.memo: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            z = np.load(path, allow_pickle=False)
            for t, p in zip(z["texts"].tolist(), z["probs"], strict=True):
                self.memo[t] = p
        self.dirty = False

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if todo:
            for t, p in zip(todo, np.asarray(self.stage.predict_proba(todo)), strict=True):
                self.memo[t] = p
            self.dirty = True
        if not texts:
            return np.zeros((0, len(self.categories)))
        return np.vstack([self.memo[t] for t in texts])

    def save(self) -> None:
        if self.path is not None and self.dirty:
            texts = list(self.memo)
            np.savez(self.path, texts=np.array(texts), probs=np.vstack([self.memo[t] for t in texts]))
            self.dirty = False


class Mix(E5UseEnsemble):
    """E5UseEnsemble over the cached probabilities of both stages, with any weight (1.0: e5 alone)."""

    def __init__(
        self,
        e5: CachedProbs,
        use: CachedProbs,
        w: float,
        band: tuple[float, float] | None,
        casc: dict[str, Any] | None = None,
    ) -> None:
        casc = casc or {}
        super().__init__(
            e5,  # type: ignore[arg-type]
            use,
            e5_weight=w,
            band=band,
            combine=str(casc.get("combine", "mean")),
            e5_sure=casc.get("e5_sure") or None,
        )
        self.name = "e5" if w >= 1.0 else "e5+use"


def make_analyzer(stage: Any, e5_cascade: dict[str, Any]) -> Any:
    from veilleur.detect.text_harm import detector as det

    orig = det.load_policy
    pol = orig()
    new = {**pol, "e5_cascade": e5_cascade}
    det.load_policy = lambda: new  # type: ignore[assignment]
    try:
        return det.TextHarmAnalyzer(semantic=stage)
    finally:
        det.load_policy = orig  # type: ignore[assignment]


def summary(m: dict[str, Any], breakdown: bool) -> dict[str, Any]:
    a = m["any_harm"]
    conf = m["clinical_vs_harmful"]
    out: dict[str, Any] = {
        "p": round(a["precision"], 3),
        "r": round(a["recall"], 3),
        "macro_f1": round(m["macro"]["f1"], 3),
        "fp": conf["other_benign"]["flagged"],
        "fp_clin": f"{conf['clinical']['flagged']}/{sum(conf['clinical'].values())}",
    }
    ph = m.get("per_phenomenon") or {}
    cs = [v for k, v in ph.items() if k.startswith("counter")]
    if cs:
        n = sum(v.get("n", v.get("support", 0)) for v in cs)
        flagged = sum(v.get("false_alarms", v.get("flagged", 0)) for v in cs)
        out["counter"] = f"{flagged}/{n}"
    if breakdown:
        for key in ("per_phenomenon", "per_ground"):
            if key in m:
                out[key] = {k: v["accuracy"] for k, v in m[key].items()}
                # counts, to pool several files: correct, rows, harmful, found, harmless, false alarms
                out[f"{key}_counts"] = {
                    k: [v["correct"], v["n"], v["harmful"], v["found"], v["benign"], v["false_alarms"]]
                    for k, v in m[key].items()
                }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--e5-onnx", type=Path, default=None, help="e5 model file (default: the shipped one)")
    ap.add_argument("--use-head", type=Path, default=None, help="USE head file (default: the shipped one)")
    ap.add_argument("--cache", type=Path, default=None, help="probability cache prefix (…_e5.npz, …_use.npz)")
    ap.add_argument("--extra", type=Path, action="append", default=[])
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--sets", default="", help="only these sets (comma-separated names)")
    ap.add_argument("--no-public", action="store_true")
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--breakdown", action="store_true")
    ap.add_argument("--shared-data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--split-public",
        action="store_true",
        help="also split each public held-out set in two fixed halves by text hash (…_heldout_a to choose "
        "thresholds, …_heldout_b to report them: the held-out split itself is test data)",
    )
    args = ap.parse_args()

    from text_harm_e5 import demo_predictions

    from veilleur.detect.text_harm.e5 import DEFAULT_ONNX, E5Stage, _data_path
    from veilleur.detect.text_harm.evaluate import (
        evaluate_rows,
        public_heldout_rows,
        read_labelled,
    )
    from veilleur.detect.text_harm.semantic import load_semantic

    onnx = args.e5_onnx or _data_path(DEFAULT_ONNX)
    tag = hashlib.sha256(onnx.read_bytes()).hexdigest()[:10]
    e5 = CachedProbs(E5Stage(onnx), Path(f"{args.cache}_e5_{tag}.npz") if args.cache else None)
    if args.use_head is not None:  # another USE head (e.g. a retrained one), cached under its own hash
        from veilleur.detect.text_harm.semantic import SemanticHead

        utag = hashlib.sha256(args.use_head.read_bytes()).hexdigest()[:10]
        use = CachedProbs(
            SemanticHead.load(args.use_head), Path(f"{args.cache}_use_{utag}.npz") if args.cache else None
        )
    else:
        use = CachedProbs(load_semantic(), Path(f"{args.cache}_use.npz") if args.cache else None)

    sets: dict[str, list[Any]] = {}
    for name in ("heldout", "chatter", "groups_dev", "person_dev"):
        sets[name] = read_labelled(DATA / f"text_harm_{name}.jsonl")
    for p in args.extra:
        sets[p.stem] = read_labelled(p)
    if not args.no_public and args.shared_data.exists():
        for k, rows in public_heldout_rows(args.shared_data).items():
            sets[f"{k}_heldout"] = rows
            if args.split_public:
                for half in ("a", "b"):
                    sets[f"{k}_heldout_{half}"] = [r for r in rows if public_half(r.text) == half]
    if args.sets:
        keep = {s.strip() for s in args.sets.split(",")}
        sets = {k: v for k, v in sets.items() if k in keep}

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    report: dict[str, Any] = {}
    for c in configs:
        w, band, casc = CONFIGS[c]
        stage: Any = (False if casc.get("fast_only") else use) if w is None else Mix(e5, use, w, band, casc)
        an = make_analyzer(stage, casc)
        res: dict[str, Any] = {}
        for name, rows in sets.items():
            res[name] = summary(evaluate_rows(rows, an), args.breakdown)
        if not args.no_demo:
            msgs, labels, gold, pred, dm = demo_predictions(an)
            res["demo"] = summary(dm, False)
            res["demo"]["fp_ids"] = [
                m.message_id
                for m, g, p in zip(msgs, gold, pred, strict=True)
                if p and not labels[m.message_id]
            ]
        res["e5_texts"] = getattr(stage, "e5_texts", 0)
        report[c] = res
        line = " | ".join(
            f"{k} {v['p']:.3f}/{v['r']:.3f} fp{v['fp']} c{v['fp_clin']}"
            + (f" cs{v['counter']}" if "counter" in v else "")
            for k, v in res.items()
            if isinstance(v, dict)
        )
        print(f"{c}: {line}", file=sys.stderr, flush=True)
        e5.save()
        use.save()
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
