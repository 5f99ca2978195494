#!/usr/bin/env python3
"""Compact source -> JSON (the chats of this folder). Format:

header lines:  id: / platform: / register: / harassment: / target: / start: 2026-03-10T18:00+01:00
member lines:  = id | Display Name | nick1,nick2 | defaultrole
time reset:    @ 2026-03-11T20:05
message:       [flags]author[:role][>a,b][^N]["N] text
   flags: ! hostile, $ doxxing; ^N reply_to mN; "N quote_of mN (N: a message number or an author id = that
   author's latest message); addressees default: the author of reply_to, else []; '>-' forces [].

Usage: python3 src/conv.py src/chatws9_*.txt (writes the JSON files next to the sources' folder's README; chatws10
uses it too: python3 ../chatws9/src/conv.py src/chatws10_*.txt).
"""

from __future__ import annotations

import datetime
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

MSG = re.compile(
    r'^([!$]*)([a-z0-9_]+)(?::([a-z]+))?(?:>([a-z0-9_,\-]+))?(?:\^([a-z0-9_]+))?(?:"([a-z0-9_]+))?\s+(.*)$'
)
HEADER = re.compile(r"^(id|platform|register|harassment|target|start):\s*(.*)$")
STEPS = [8, 15, 20, 30, 45, 60, 60, 90, 120, 180, 240]


def conv(path: Path, outdir: Path) -> dict[str, Any]:
    rnd = random.Random(path.name)  # the seed: the file name
    hdr: dict[str, str] = {}
    members: list[dict[str, Any]] = []
    roles: dict[str, str] = {}
    msgs: list[dict[str, Any]] = []
    dox: list[str] = []
    t: datetime.datetime | None = None
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        h = HEADER.match(line)
        if h and not msgs:
            key, value = h.groups()
            hdr[key] = value.strip()
            if key == "start":
                t = datetime.datetime.fromisoformat(value.strip())
            continue
        if line.startswith("= "):
            p = [x.strip() for x in line[2:].split("|")]
            nicks = [n for n in p[2].split(",") if n.strip()] if len(p) > 2 else []
            members.append({"id": p[0], "display_name": p[1], "nicknames": nicks})
            roles[p[0]] = p[3] if len(p) > 3 and p[3] else "neutral"
            continue
        if t is None:
            raise SystemExit(f"{path}:{ln}: no start: header")
        if line.startswith("@ "):
            nt = datetime.datetime.fromisoformat(line[2:].strip()).replace(tzinfo=t.tzinfo)
            if nt <= t:
                raise SystemExit(f"{path}:{ln}: time goes back")
            t = nt
            continue
        m = MSG.match(line)
        if not m:
            raise SystemExit(f"{path}:{ln}: bad line {line!r}")
        flags, au, role, addr, rep, quo, text = m.groups()
        if au not in roles:
            raise SystemExit(f"{path}:{ln}: unknown author {au}")
        if msgs:
            t = t + datetime.timedelta(seconds=rnd.choice(STEPS))

        def ref(x: str | None, ln: int = ln) -> str | None:
            if not x:
                return None
            if x.isdigit():
                return f"m{x}"
            for pm in reversed(msgs):
                if pm["author"] == x:
                    return str(pm["id"])
            raise SystemExit(f"{path}:{ln}: no earlier message by {x}")

        reply, quote = ref(rep), ref(quo)
        if addr == "-":
            ads: list[str] = []
        elif addr:
            ads = addr.split(",")
        elif reply:
            ads = [msgs[int(reply[1:]) - 1]["author"]]
        else:
            ads = []
        if addr is None:
            ads = [a for a in ads if a != au]
        msg = {
            "id": f"m{len(msgs) + 1}",
            "author": au,
            "ts": t.isoformat(),
            "text": text,
            "reply_to": reply,
            "quote_of": quote,
            "role": role or roles[au],
            "addressees": ads,
            "hostile": "!" in flags or "$" in flags,
        }
        if "$" in flags:
            dox.append(str(msg["id"]))
        msgs.append(msg)
    tgt = hdr.get("target", "null")
    out = {
        "chat_id": hdr["id"],
        "platform": hdr["platform"],
        "register": hdr["register"],
        "harassment": hdr["harassment"] == "true",
        "target": None if tgt in ("null", "-", "") else tgt,
        "doxxing": dox,
        "members": members,
        "messages": msgs,
    }
    (outdir / f"{hdr['id']}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        o = conv(Path(arg), Path(arg).resolve().parent.parent)  # next to the source folder's README
        print(o["chat_id"], len(o["messages"]))
