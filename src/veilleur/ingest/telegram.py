"""Telegram Desktop export (``result.json``): one chat or a full export (``chats.list``); text as a string
or a list of entities; replies, photos and files; reactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    AttachmentResolver,
    author_id_from_name,
    clean_text,
    from_unix,
    iter_json,
    json_entries,
    json_head_text,
    parse_datetime,
    zone,
)
from veilleur.records import Attachment, Author, Message

SOURCE = "telegram"
_CHAT_META = ("name", "type", "id")
_OMITTED = "(File not included. Change data exporting settings to download.)"


def entities_text(text: Any) -> str:
    """Telegram's ``text``: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(
            p if isinstance(p, str) else str(p.get("text", "")) for p in text if isinstance(p, str | dict)
        )
    return ""


def _confidence(name: str, head: str) -> float:
    """How much a JSON entry's head looks like a Telegram Desktop export."""
    if '"guild"' in head or '"group_posts_v2"' in head:
        return 0.0
    chat = '"messages"' in head and ('"date_unixtime"' in head or '"from_id"' in head or '"type"' in head)
    full = '"chats"' in head and '"list"' in head
    if not (chat or full):
        return 0.0
    return 0.95 if name.rsplit("/", 1)[-1] == "result.json" else 0.8


class TelegramAdapter:
    name = SOURCE
    description = "Telegram Desktop export (result.json) / export Telegram Desktop"

    def _files(self, tree: SourceTree) -> list[str]:
        return [
            n for n in json_entries(tree, limit=1000) if _confidence(n, json_head_text(tree, n, 16384)) > 0
        ]

    def sniff(self, tree: SourceTree) -> float:
        return max(
            (_confidence(n, json_head_text(tree, n, 16384)) for n in json_entries(tree, limit=50)),
            default=0.0,
        )

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        files = self._files(tree)
        if not files:
            raise InputError(
                tree.path, "no Telegram result.json (with 'messages' or 'chats.list') in this export"
            )
        tz = zone(options.timezone)
        resolver = AttachmentResolver(tree)
        limit = tree.limits.max_text_chars
        for name in files:
            display = tree.display(name)
            full = '"chats"' in json_head_text(tree, name, 16384)
            if full:
                streams = [
                    (
                        "chats.list.item",
                        iter_json(
                            tree,
                            name,
                            "chats.list.item.messages.item",
                            [f"chats.list.item.{k}" for k in _CHAT_META],
                            "chats.list.item",
                        ),
                    ),
                    (
                        "left_chats.list.item",
                        iter_json(
                            tree,
                            name,
                            "left_chats.list.item.messages.item",
                            [f"left_chats.list.item.{k}" for k in _CHAT_META],
                            "left_chats.list.item",
                        ),
                    ),
                ]
            else:
                streams = [("", iter_json(tree, name, "messages.item", _CHAT_META))]
            for base, stream in streams:
                pre = f"{base}." if base else ""
                for meta, rec in stream:
                    if not isinstance(rec, dict):
                        raise InputError(display, f"messages: expected an object, got {rec!r:.60}")
                    msg = self._message(rec, meta, pre, name, display, tz, resolver, limit, options)
                    if msg is not None:
                        yield msg

    def _message(
        self, rec: dict[str, Any], meta: dict[str, Any], pre: str, entry: str, display: str, tz: Any,
        resolver: AttachmentResolver, limit: int, options: ImportOptions,
    ) -> Message | None:  # fmt: skip
        if rec.get("type", "message") != "message":
            return None  # service events (joins, pins, calls) are not messages
        chat_id = meta.get(f"{pre}id")
        chat_name = str(meta.get(f"{pre}name") or options.community_name or "Telegram")
        community_id = str(chat_id) if chat_id is not None else chat_name
        if "id" not in rec:
            raise InputError(display, f"a message of chat {chat_name!r} has no id")
        try:
            if rec.get("date_unixtime") is not None:
                created = from_unix(rec["date_unixtime"])
            else:
                created = parse_datetime(rec["date"], tz)  # older exports: local time, no zone
        except (KeyError, TypeError, ValueError, OverflowError):
            raise InputError(display, f"message {rec.get('id')} has no valid date") from None
        author_name = clean_text(rec.get("from") or rec.get("actor") or "", 500) or "Inconnu / Unknown"
        author_id = str(rec.get("from_id") or rec.get("actor_id") or author_id_from_name(author_name))
        reply = rec.get("reply_to_message_id")
        reactions: dict[str, int] = {}
        for r in rec.get("reactions") or ():
            if isinstance(r, dict):
                key = str(r.get("emoji") or r.get("document_id") or r.get("type") or "?")
                reactions[key] = reactions.get(key, 0) + int(r.get("count", 1) or 1)
        return Message(
            source=SOURCE,
            community_id=community_id,
            community_name=chat_name,
            message_id=str(rec["id"]),
            author=Author(id=author_id, name=author_name),
            created_at=created,
            text=clean_text(entities_text(rec.get("text")), limit, display),
            kind="reply" if reply is not None else "message",
            parent_id=str(reply) if reply is not None else None,
            attachments=self._attachments(rec, entry, resolver),
            reactions=reactions,
            raw=rec,
        )

    def _attachments(
        self, rec: dict[str, Any], entry: str, resolver: AttachmentResolver
    ) -> tuple[Attachment, ...]:
        out = []
        for key in ("photo", "file"):
            ref = rec.get(key)
            if not isinstance(ref, str) or not ref:
                continue
            declared = rec.get("mime_type") if key == "file" else "image/jpeg"
            if ref.startswith("(File") or ref == _OMITTED:
                name = str(rec.get("file_name") or key)
                out.append(resolver.attachment(None, entry, name=name, declared_type=declared))
            else:
                out.append(resolver.attachment(ref, entry, declared_type=declared))
        return tuple(out)


register_adapter(SOURCE, TelegramAdapter)
