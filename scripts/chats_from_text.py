"""Build the team-written development chats (tests/data/conversations/dev/*.json) from their compact text
source (tests/data/conversations/dev_src/*.txt). One chat per file:

    chat: ID / platform: whatsapp / register: teen / harassment: true / target: MEMBER / date: 2026-03-10
    doxxing: m12 m14                      (optional: ids of messages that dox someone)
    member: ID | Display Name | nick1, nick2 | role
    ID | [+DAYS ]HH:MM | AUTHOR[:role] | addressee ids (comma) | reply_to | quote_of | text

A message's role is its author's role unless given after a colon. Usage: python scripts/chats_from_text.py
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "conversations"


def convert(src: Path) -> dict:
    head: dict = {}
    members: list[dict] = []
    roles: dict[str, str] = {}
    messages: list[dict] = []
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.partition(":")
        if (
            key in ("chat", "platform", "register", "harassment", "target", "date", "doxxing")
            and "|" not in line
        ):
            head[key] = rest.strip()
            continue
        if key == "member":
            mid, name, nicks, role = (p.strip() for p in rest.split("|"))
            members.append(
                {
                    "id": mid,
                    "display_name": name,
                    "nicknames": [x.strip() for x in nicks.split(",") if x.strip()],
                }
            )
            roles[mid] = role
            continue
        parts = [p.strip() for p in line.split("|", 6)]
        if len(parts) != 7:
            raise SystemExit(f"{src}:{n}: expected 7 fields")
        mid, when, author, addr, reply, quote, text = parts
        days = 0
        if when.startswith("+"):
            d, when = when[1:].split(" ", 1)
            days = int(d)
        author, _, role = author.partition(":")
        if author not in roles:
            raise SystemExit(f"{src}:{n}: unknown author {author}")
        base = datetime.fromisoformat(head["date"] + "T" + when + ":00+01:00")
        messages.append(
            {
                "id": mid,
                "author": author,
                "ts": (base + timedelta(days=days)).isoformat(),
                "text": text,
                "reply_to": reply or None,
                "quote_of": quote or None,
                "role": role or roles[author],
                "addressees": [a.strip() for a in addr.split(",") if a.strip()],
            }
        )
    chat = {
        "chat_id": head["chat"],
        "platform": head["platform"],
        "register": head["register"],
        "harassment": head["harassment"] == "true",
        "target": head.get("target") or None,
        "members": members,
        "messages": messages,
    }
    if "doxxing" in head:
        chat["doxxing"] = head["doxxing"].split()
    return chat


def main() -> None:
    out = ROOT / "dev"
    out.mkdir(parents=True, exist_ok=True)
    for src in sorted((ROOT / "dev_src").glob("*.txt")):
        chat = convert(src)
        (out / f"{src.stem}.json").write_text(
            json.dumps(chat, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"{len(list(out.glob('*.json')))} chats in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
