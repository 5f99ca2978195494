"""Cost of the conversation pass (addressees, hostility in context, pile-ons, campaigns, doxxing) per 10,000
messages, on the team's development chats replayed as many group chats (no per-message detector: the pass
alone, reading its own cues; detector findings only add a dictionary lookup per message).

Prints the pass with the rules only and with the learned model (each text embedded once: a copy of a chat gets
its texts suffixed, and the encoder cache is cleared before each run).

Run: ``nice .venv/bin/python benchmarks/conversations.py [--n 10000]``.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "conversations" / "dev"


def build(n: int):  # type: ignore[no-untyped-def]
    from veilleur.detect.context import DetectionContext, MemberRef
    from veilleur.detect.conversation.evaluate import load_chat

    chats = [load_chat(p) for p in sorted(DEV.glob("*.json"))]
    ctx = DetectionContext()
    count, copy = 0, 0
    while count < n:
        for chat in chats:
            if count >= n:
                break
            cid = f"{chat.chat_id}-{copy}"
            msgs = [
                replace(
                    m,
                    community_id=cid,
                    uid="",
                    created_at=m.created_at + timedelta(days=copy),
                    text=m.text if copy == 0 else f"{m.text} ({copy})",
                )
                for m in chat.messages[: n - count]
            ]
            members = {m.author_uid: m.author.name for m in msgs}
            for ref in chat.ctx.members.values():
                for m in msgs:
                    if m.author.name == ref.name:
                        ctx.members[m.author_uid] = MemberRef(
                            m.author_uid, ref.name, ref.nicknames, m.community_uid
                        )
                        break
            del members
            ctx.add(msgs)
            count += len(msgs)
        copy += 1
    return ctx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000, help="messages (default 10,000)")
    args = ap.parse_args()
    from veilleur.detect.conversation import ConversationPass

    t0 = time.perf_counter()
    ctx = build(args.n)
    build_s = time.perf_counter() - t0
    print(
        f"messages: {len(ctx.messages)} in {len(ctx.community_uids())} group chats; context built in {build_s:.2f} s"
    )

    from veilleur.detect.text_harm import semantic

    for label, kw in (("rules only", {"model": False}), ("with the learned model", {})):
        p = ConversationPass(**kw)
        semantic.clear_cache()  # every text embedded once, as if text_harm had not read them first
        t0 = time.perf_counter()
        found = p.run(ctx, [])
        dt = time.perf_counter() - t0
        per_10k = dt * 10_000 / max(1, len(ctx.messages))
        print(
            f"conversation pass, {label}: {dt:.2f} s ({len(ctx.messages) / dt:,.0f} messages/s); "
            f"{per_10k:.2f} s per 10,000 messages; {len(found)} findings"
        )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
