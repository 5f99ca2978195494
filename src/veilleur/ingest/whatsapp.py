"""WhatsApp chat export (``.txt``, or the zip with media): Android and iOS layouts, French and English
phone locales, multi-line messages, omitted/attached media; local times made UTC with the chat's zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

import yaml

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    AttachmentResolver,
    author_id_from_name,
    cap_text,
    derived_id,
    fix_mojibake,
    iter_lines,
    localize,
    open_text,
    sniff_encoding,
    zone,
)
from veilleur.records import Attachment, Author, Message

SOURCE = "whatsapp"

# "12/03/2024 14:05 - ", "12/03/2024, 14:05 - ", "[12/03/2024, 14:05:33] ", "3/12/24, 2:05 PM - ",
# "[3/12/24, 2:05:33 PM] ", "12/03/2024 à 14:05 - "; U+200E/U+202F/U+00A0 appear in recent exports.
HEADER = re.compile(
    r"^[\u200e\u200f]?\[?(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{2,4}),?[ \u00a0](?:à )?"
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
    r"(?:[ \u202f\u00a0]?(?P<ampm>[AaPp]\.?[ \u202f\u00a0]?[Mm]\.?))?"
    r"(?:\]|[ \u00a0]?-)[ \u00a0]?(?P<rest>.*)$"
)
AUTHOR = re.compile(r"^(?P<author>[^:\n]{1,100}?): (?P<text>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Markers:
    omitted: tuple[re.Pattern[str], ...]
    attached: tuple[re.Pattern[str], ...]
    system: tuple[re.Pattern[str], ...]
    edited: tuple[str, ...]
    chat_names: tuple[re.Pattern[str], ...]


@cache
def markers() -> Markers:
    data = yaml.safe_load(
        resources.files("veilleur.ingest").joinpath("data/whatsapp.yaml").read_text("utf-8")
    )

    def comp(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in data.get(key) or ())

    return Markers(
        omitted=comp("media_omitted"),
        attached=comp("media_attached"),
        system=comp("system_texts"),
        edited=tuple(data.get("edited_marks") or ()),
        chat_names=comp("chat_file_names"),
    )


def chat_name_from_file(name: str) -> str | None:
    base = PurePosixPath(name).name
    for pat in markers().chat_names:
        m = pat.match(base)
        if m:
            return m["name"].strip()
    return None


@dataclass
class _Pending:
    line_no: int
    local: datetime
    author: str
    lines: list[str] = field(default_factory=list)


class WhatsAppAdapter:
    name = SOURCE
    description = "WhatsApp chat export (.txt or .zip) / export de discussion WhatsApp"

    def _chat_files(self, tree: SourceTree) -> list[str]:
        return [n for n in tree.names() if n.lower().endswith(".txt") and self._looks_like_chat(tree, n)]

    def _looks_like_chat(self, tree: SourceTree, name: str) -> bool:
        head = tree.head(name, 8192)
        text = head.decode(sniff_encoding(head), errors="replace")
        lines = [ln for ln in text.splitlines()[:8] if ln.strip()]
        return sum(1 for ln in lines if HEADER.match(ln.lstrip("\ufeff"))) >= max(1, len(lines) // 3)

    def sniff(self, tree: SourceTree) -> float:
        txts = [n for n in tree.names() if n.lower().endswith(".txt")][:20]
        for n in txts:
            if self._looks_like_chat(tree, n):
                return 0.95 if (PurePosixPath(n).name == "_chat.txt" or chat_name_from_file(n)) else 0.85
        return 0.0

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        files = self._chat_files(tree)
        if not files:
            raise InputError(tree.path, "no WhatsApp chat (.txt with dated lines) in this export")
        tz = zone(options.timezone)
        resolver = AttachmentResolver(tree)
        for name in files:
            yield from self._read_chat(tree, name, tz, resolver, options)

    def _day_first(self, tree: SourceTree, name: str) -> bool:
        """Whether dates are DD/MM (France, UK) or MM/DD (US): decided on the whole file, streamed."""
        ampm = False
        with open_text(tree, name) as f:
            for line in f:
                m = HEADER.match(line.lstrip("\ufeff"))
                if not m:
                    continue
                a, b = int(m["a"]), int(m["b"])
                if a > 12:
                    return True
                if b > 12:
                    return False
                ampm = ampm or bool(m["ampm"])
        return not ampm  # undecidable: 12-hour clocks mean a US phone

    def _read_chat(
        self, tree: SourceTree, name: str, tz: tzinfo, resolver: AttachmentResolver, options: ImportOptions
    ) -> Iterator[Message]:
        display = tree.display(name)
        chat = (
            chat_name_from_file(name)
            or (chat_name_from_file(tree.path.name) if tree.is_zip else None)
            or options.community_name
            or (tree.path.stem if tree.is_zip or name == "_chat.txt" else PurePosixPath(name).stem)
        )
        community_id = derived_id(chat, prefix="wa_")
        day_first = self._day_first(tree, name)
        seen: dict[
            str, int
        ] = {}  # identical (time, author, text) in the same minute: a counter keeps ids apart
        current_minute: datetime | None = None
        pending: _Pending | None = None
        found_any = False
        with open_text(tree, name) as f:
            for n, line in iter_lines(f, display):
                m = HEADER.match(line.lstrip("\ufeff") if n == 1 else line)
                if m is None:
                    if pending is not None:
                        pending.lines.append(line)
                    elif line.strip() and not found_any:
                        raise InputError(display, f"line {n}: not a WhatsApp message line: {line[:60]!r}")
                    continue
                found_any = True
                if pending is not None:
                    msg = self._finish(pending, chat, community_id, tz, name, display, resolver, seen, tree)
                    if msg is not None:
                        yield msg
                local = self._local_time(m, day_first, display, n)
                if local != current_minute:
                    current_minute, seen = local, {}
                rest = m["rest"]
                am = AUTHOR.match(rest)
                if am is None:
                    pending = None  # system line: member added, group created, encryption notice...
                    continue
                text = am["text"]
                if text.startswith("\u200e") and not self._is_media(text.lstrip("\u200e")):
                    pending = None  # iOS marks events written "as" the group with U+200E
                    continue
                pending = _Pending(n, local, am["author"].strip("\u200e\u202a\u202c "), [text])
        if pending is not None:
            msg = self._finish(pending, chat, community_id, tz, name, display, resolver, seen, tree)
            if msg is not None:
                yield msg
        if not found_any:
            raise InputError(display, "no WhatsApp message line found")

    def _local_time(self, m: re.Match[str], day_first: bool, display: str, n: int) -> datetime:
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if day_first else (b, a)
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
        hour = int(m["H"])
        if m["ampm"]:
            pm = m["ampm"].lower().startswith("p")
            hour = (12 if pm else 0) if hour == 12 else hour + (12 if pm else 0)
        try:
            return datetime(year, month, day, hour, int(m["M"]), int(m["S"] or 0))
        except ValueError:
            raise InputError(display, f"line {n}: invalid date or time in {m.group(0)[:40]!r}") from None

    def _is_media(self, text: str) -> bool:
        mk = markers()
        return any(p.match(text) for p in mk.omitted + mk.attached)

    def _finish(
        self, p: _Pending, chat: str, community_id: str, tz: tzinfo, entry: str, display: str,
        resolver: AttachmentResolver, seen: dict[str, int], tree: SourceTree,
    ) -> Message | None:  # fmt: skip
        mk = markers()
        texts: list[str] = []
        attachments: list[Attachment] = []
        for raw_line in p.lines:
            line = raw_line.replace("\u200e", "")
            for mark in mk.edited:
                line = line.replace(mark, "").rstrip()
            stripped = line.strip()
            if any(pat.match(stripped) for pat in mk.omitted):
                attachments.append(
                    Attachment(name="media-omitted", media_type="application/octet-stream", missing=True)
                )
                continue
            att = next((mt for pat in mk.attached if (mt := pat.match(stripped))), None)
            if att is not None:
                attachments.append(resolver.attachment(att["file"].strip(), entry))
                continue
            texts.append(line)
        text = fix_mojibake("\n".join(texts).strip("\n"))
        if not attachments and any(pat.match(text.strip()) for pat in mk.system):
            return None
        text = cap_text(text, tree.limits.max_text_chars, display)
        author = fix_mojibake(p.author)
        created = localize(p.local, tz)
        key = "\x1f".join((p.local.isoformat(), author, text, *(a.name for a in attachments)))
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        raw: dict[str, Any] = {
            "line": p.line_no,
            "text": "\n".join(p.lines),
            "author": p.author,
            "local_time": p.local.isoformat(),
        }
        return Message(
            source=SOURCE,
            community_id=community_id,
            community_name=chat,
            message_id=derived_id(key, nth, prefix="wa_"),
            author=Author(id=author_id_from_name(author), name=author),
            created_at=created,
            text=text,
            kind="message",
            attachments=tuple(attachments),
            raw=raw,
        )


register_adapter(SOURCE, WhatsAppAdapter)
