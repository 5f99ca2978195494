"""``veilleur eval conversations``: labelled group chats (JSON, one chat per file) → pile-on, role, target,
addressee and doxxing figures. The chat format is documented in docs/conversations.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from veilleur import evaluation
from veilleur.detect.context import DetectionContext, MemberRef
from veilleur.detect.conversation.analyse import ConversationResult, Settings, analyse
from veilleur.errors import InputError
from veilleur.records import Author, Finding, Message, member_uid

RAIDER_ROLES = ("bully", "supporter")


@dataclass
class Chat:
    chat_id: str
    data: dict[str, Any]
    messages: list[Message]
    ctx: DetectionContext
    uid_of_member: dict[str, str]  # chat member id -> member uid
    member_of_uid: dict[str, str]
    msg_of_uid: dict[str, dict[str, Any]]  # message uid -> labelled message


def load_chat(path: Path) -> Chat:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        cid = str(d["chat_id"])
        platform = str(d.get("platform", "chat"))
        members = {str(m["id"]): m for m in d["members"]}
        uid_of = {k: member_uid(platform, cid, k) for k in members}
        msgs: list[Message] = []
        by_uid: dict[str, dict[str, Any]] = {}
        for x in d["messages"]:
            a = str(x["author"])
            if a not in members:
                raise KeyError(f"author {a!r} of message {x.get('id')!r} is not a member")
            ts = datetime.fromisoformat(str(x["ts"]).replace("Z", "+00:00"))
            raw = {"quote_of": str(x["quote_of"])} if x.get("quote_of") else None
            m = Message(
                source=platform,
                community_id=cid,
                community_name=cid,
                message_id=str(x["id"]),
                author=Author(a, str(members[a].get("display_name", a))),
                created_at=ts,
                text=str(x.get("text", "")),
                parent_id=str(x["reply_to"]) if x.get("reply_to") else None,
                raw=raw,
            )
            msgs.append(m)
            by_uid[m.uid] = x
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(str(path), f"not a chat file: {exc}") from None
    ctx = DetectionContext(
        members=[
            MemberRef(
                uid_of[k],
                str(v.get("display_name", k)),
                tuple(str(n) for n in v.get("nicknames", []) or []),
                msgs[0].community_uid if msgs else "",
            )
            for k, v in members.items()
        ]
    )
    ctx.add(msgs)
    return Chat(cid, d, msgs, ctx, uid_of, {v: k for k, v in uid_of.items()}, by_uid)


def chat_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise InputError(str(path), "no *.json chat files in this folder")
        return files
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    return [path]


@dataclass
class Counts(evaluation.Counts):
    """The shared counts, with the short accessors and the one-line summary this report prints."""

    def p(self) -> float:
        return self.precision

    def r(self) -> float:
        return self.recall

    def line(self) -> str:
        return f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class Report:
    rows: list[dict[str, Any]] = field(default_factory=list)
    raid_msgs: Counts = field(default_factory=Counts)  # marked raid vs labelled bully/supporter
    initiator: Counts = field(default_factory=Counts)  # message level: predicted initiator vs bully
    supporter: Counts = field(default_factory=Counts)
    initiator_author: Counts = field(default_factory=Counts)  # author level
    supporter_author: Counts = field(default_factory=Counts)
    addressee_exact: int = 0
    addressee_total: int = 0
    addressee_pairs: Counts = field(default_factory=Counts)
    addressee_by_rule: dict[str, list[int]] = field(default_factory=dict)  # rule -> [messages, exact]
    # gold role -> [authors of that role marked raider (initiator or supporter), authors of that role]
    raiders_by_role: dict[str, list[int]] = field(default_factory=dict)
    doxxing: Counts = field(default_factory=Counts)
    doxxing_labelled: bool = False
    # What the rules could read (aggregates only: a blind set's text is never shown)
    stats: dict[str, int] = field(default_factory=dict)
    gaps: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        harass = [r for r in self.rows if r["harassment"]]
        civil = [r for r in self.rows if not r["harassment"]]
        return {
            "chats": len(self.rows),
            "harassment_chats": len(harass),
            "pile_on_found": sum(1 for r in harass if r["found"]),
            "pile_on_found_right_target": sum(1 for r in harass if r["target_ok"]),
            "civil_chats": len(civil),
            "civil_chats_with_raid": sum(1 for r in civil if r["found"]),
            "raid_message_precision": round(self.raid_msgs.p(), 4),
            "raid_message_recall": round(self.raid_msgs.r(), 4),
            "initiator_message": {"p": round(self.initiator.p(), 4), "r": round(self.initiator.r(), 4)},
            "supporter_message": {"p": round(self.supporter.p(), 4), "r": round(self.supporter.r(), 4)},
            "initiator_author": {
                "p": round(self.initiator_author.p(), 4),
                "r": round(self.initiator_author.r(), 4),
            },
            "supporter_author": {
                "p": round(self.supporter_author.p(), 4),
                "r": round(self.supporter_author.r(), 4),
            },
            "addressee_exact": round(self.addressee_exact / self.addressee_total, 4)
            if self.addressee_total
            else None,
            "addressee_pairs": {
                "p": round(self.addressee_pairs.p(), 4),
                "r": round(self.addressee_pairs.r(), 4),
            },
            "addressee_by_rule": {
                k: {"messages": n, "exact": round(ok / n, 4)}
                for k, (n, ok) in sorted(self.addressee_by_rule.items())
            },
            "raiders_by_role": {
                k: {"raiders": r, "authors": n} for k, (r, n) in sorted(self.raiders_by_role.items())
            },
            "doxxing": {"p": round(self.doxxing.p(), 4), "r": round(self.doxxing.r(), 4)}
            if self.doxxing_labelled
            else None,
            "input": dict(self.stats, median_gap_s=round(_median(self.gaps), 1)),
            "per_chat": self.rows,
        }


def evaluate(
    paths: Sequence[Path],
    detector: Callable[[list[Message]], list[Finding]] | None = None,
    settings: Settings | None = None,
) -> Report:
    rep = Report()
    for path in paths:
        chat = load_chat(path)
        findings = detector(chat.messages) if detector else []
        res = analyse(chat.ctx, findings, settings)
        _score(rep, chat, res)
    return rep


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0.0


def _count_input(rep: Report, chat: Chat, res: ConversationResult) -> None:
    st = rep.stats
    ids = {str(x.get("id")) for x in chat.data.get("messages", [])}
    st["messages"] = st.get("messages", 0) + len(chat.messages)
    st["empty_text"] = st.get("empty_text", 0) + sum(1 for m in chat.messages if not m.text.strip())
    st["members_without_display_name"] = st.get("members_without_display_name", 0) + sum(
        1 for m in chat.data.get("members", []) if not m.get("display_name")
    )
    st["replies"] = st.get("replies", 0) + sum(1 for m in chat.messages if m.parent_id)
    st["replies_to_unknown_id"] = st.get("replies_to_unknown_id", 0) + sum(
        1 for m in chat.messages if m.parent_id and m.parent_id not in ids
    )
    for t in res.turns.values():
        for key, on in (
            ("named_member", any(h.startswith(("name", "vocative", "mention")) for h in t.how.values())),
            ("hostile_" + (t.hostile or "none"), True),
            ("stance_" + (t.stance or "none"), True),
            ("distress", t.distress),
        ):
            if on:
                st[key] = st.get(key, 0) + 1
    ordered = sorted(m.created_at for m in chat.messages)
    rep.gaps.extend((b - a).total_seconds() for a, b in zip(ordered, ordered[1:], strict=False))


def _score(rep: Report, chat: Chat, res: ConversationResult) -> None:
    _count_input(rep, chat, res)
    d = chat.data
    harassment = bool(d.get("harassment"))
    target = d.get("target")
    eps = list(res.episodes)  # one chat: its main raid first (``analyse._primacy``)
    main = eps[0] if eps else None
    found_target = chat.member_of_uid.get(main.target) if main else None
    row = {
        "chat_id": chat.chat_id,
        "harassment": harassment,
        "found": bool(eps),
        "episodes": len(eps),
        "target": target,
        "found_target": found_target,
        "target_ok": bool(main) and harassment and found_target == target,
    }
    rep.rows.append(row)
    marked: dict[str, str] = {}
    for e in eps:
        for t in e.messages:
            marked.setdefault(t.uid, "initiator" if t.author == e.initiator else "supporter")
    roles = {u: str(x.get("role", "neutral")) for u, x in chat.msg_of_uid.items()}
    for u, role in roles.items():
        gold_raid = role in RAIDER_ROLES
        pred = marked.get(u)
        _add(rep.raid_msgs, bool(pred), gold_raid)
        _add(rep.initiator, pred == "initiator", role == "bully")
        _add(rep.supporter, pred == "supporter", role == "supporter")
    # author level
    gold_role: dict[str, set[str]] = {}
    for x in chat.msg_of_uid.values():
        gold_role.setdefault(str(x["author"]), set()).add(str(x.get("role", "neutral")))
    pred_init = {chat.member_of_uid.get(e.initiator) for e in eps}
    pred_sup = {chat.member_of_uid.get(a) for e in eps for a in e.raiders if a != e.initiator} - pred_init
    raiders = pred_init | pred_sup
    for author, rs in gold_role.items():
        _add(rep.initiator_author, author in pred_init, "bully" in rs)
        _add(rep.supporter_author, author in pred_sup, "supporter" in rs and "bully" not in rs)
        main_role = max(
            rs,
            key=lambda r: sum(
                1 for x in chat.msg_of_uid.values() if x["author"] == author and x.get("role") == r
            ),
        )
        cell = rep.raiders_by_role.setdefault(main_role, [0, 0])
        cell[0] += author in raiders
        cell[1] += 1
    # addressees
    for u, x in chat.msg_of_uid.items():
        if "addressees" not in x:
            continue
        gold = {str(a) for a in x.get("addressees") or []}
        turn = res.turns.get(u)
        said_to = {chat.member_of_uid.get(a, a) for a in (turn.addressees if turn else [])}
        rep.addressee_total += 1
        rep.addressee_exact += int(gold == said_to)
        rule = _addressee_rule(turn)
        cell = rep.addressee_by_rule.setdefault(rule, [0, 0])
        cell[0] += 1
        cell[1] += int(gold == said_to)
        rep.addressee_pairs.tp += len(gold & said_to)
        rep.addressee_pairs.fp += len(said_to - gold)
        rep.addressee_pairs.fn += len(gold - said_to)
    # doxxing (optional label: list of message ids)
    if "doxxing" in d:
        rep.doxxing_labelled = True
        gold_ids = {str(i) for i in d.get("doxxing") or []}
        pred_ids = {t.m.message_id for t in res.doxxing}
        rep.doxxing.tp += len(gold_ids & pred_ids)
        rep.doxxing.fp += len(pred_ids - gold_ids)
        rep.doxxing.fn += len(gold_ids - pred_ids)


def _addressee_rule(turn: Any) -> str:
    """Which rule gave a message its addressees: the rules' own (``how``), ``ranker``, or ``group``."""
    if turn is None:
        return "group"
    if turn.addressees != turn.to:
        return "ranker" if turn.addressees else "ranker:group"
    return "+".join(sorted({turn.how.get(a, "?") for a in turn.to})) or "group"


def _add(c: Counts, pred: bool, gold: bool) -> None:
    c.add(expected=gold, predicted=pred)


def format_report(rep: Report, per_chat: bool = True) -> str:
    d = rep.to_dict()
    lines: list[str] = []
    if per_chat:
        lines.append(f"{'chat':<28} {'harass.':<8} {'pile-on':<8} {'target':<16} {'found target':<16}")
        for r in d["per_chat"]:
            ok = (
                ""
                if not r["harassment"]
                else (" ok" if r["target_ok"] else " WRONG" if r["found"] else " MISSED")
            )
            lines.append(
                f"{r['chat_id']:<28} {str(r['harassment']):<8} {str(r['found']):<8} "
                f"{str(r['target']):<16} {str(r['found_target']):<16}{ok}"
            )
        lines.append("")
    lines += [
        f"chats: {d['chats']} ({d['harassment_chats']} with harassment, {d['civil_chats']} without)",
        f"pile-on found: {d['pile_on_found']}/{d['harassment_chats']}; with the right target: "
        f"{d['pile_on_found_right_target']}/{d['harassment_chats']}",
        f"raid reported in a chat without harassment: {d['civil_chats_with_raid']}/{d['civil_chats']}",
        f"raid messages (bully or supporter): {rep.raid_msgs.line()}",
        f"initiator (messages, vs bully):     {rep.initiator.line()}",
        f"supporter (messages):               {rep.supporter.line()}",
        f"initiator (authors):                {rep.initiator_author.line()}",
        f"supporter (authors):                {rep.supporter_author.line()}",
        f"addressee: exact set {d['addressee_exact'] if d['addressee_exact'] is not None else 'n/a'} "
        f"over {rep.addressee_total} messages; pairs {rep.addressee_pairs.line()}",
    ]
    lines.append(
        "addressee exact by rule: "
        + ", ".join(f"{k} {v['exact']:.2f} ({v['messages']})" for k, v in d["addressee_by_rule"].items())
    )
    lines.append(
        "authors marked raider, by labelled role: "
        + ", ".join(f"{k} {v['raiders']}/{v['authors']}" for k, v in d["raiders_by_role"].items())
    )
    if rep.doxxing_labelled:
        lines.append(f"doxxing messages:                   {rep.doxxing.line()}")
    lines.append("input read by the rules: " + ", ".join(f"{k} {v}" for k, v in sorted(d["input"].items())))
    return "\n".join(lines)
