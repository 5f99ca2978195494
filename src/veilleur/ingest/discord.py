"""DiscordChatExporter JSON (one file per channel): messages, authors, replies, attachments, reactions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    AttachmentResolver,
    as_dict,
    author_id_from_name,
    clean_text,
    iter_json,
    json_entries,
    json_head_text,
    json_meta,
    parse_datetime,
)
from veilleur.records import Attachment, Author, Message

SOURCE = "discord"
_META = ("guild.id", "guild.name", "channel.id", "channel.name", "channel.category")
# Join/boost/pin notices carry no member's words.
_SYSTEM_TYPES = {"GuildMemberJoin", "RecipientAdd", "RecipientRemove", "ChannelPinnedMessage",
                 "GuildBoost", "ThreadCreated", "ChannelNameChange", "Call"}  # fmt: skip


def _is_discord(head: str) -> bool:
    return '"guild"' in head and '"channel"' in head and '"messages"' in head


class DiscordAdapter:
    name = SOURCE
    description = "DiscordChatExporter JSON / export JSON DiscordChatExporter"

    def sniff(self, tree: SourceTree) -> float:
        return (
            0.95 if any(_is_discord(json_head_text(tree, n)) for n in json_entries(tree, limit=50)) else 0.0
        )

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        files = [n for n in json_entries(tree, limit=100_000) if _is_discord(json_head_text(tree, n))]
        if not files:
            raise InputError(
                tree.path, "no DiscordChatExporter JSON (with guild, channel, messages) in this export"
            )
        resolver = AttachmentResolver(tree)
        limit = tree.limits.max_text_chars
        for name in files:
            display = tree.display(name)
            meta = json_meta(tree, name, _META, stop="messages")
            guild_id, channel_id = str(meta.get("guild.id", "")), str(meta.get("channel.id", ""))
            if not channel_id:
                raise InputError(display, "no channel.id before the messages")
            guild = clean_text(meta.get("guild.name") or options.community_name or "Discord", 500)
            channel = clean_text(meta.get("channel.name") or channel_id, 500)
            for _, rec in iter_json(tree, name, "messages.item"):
                if not isinstance(rec, dict):
                    raise InputError(display, f"messages: expected an object, got {rec!r:.60}")
                if rec.get("type") in _SYSTEM_TYPES:
                    continue
                yield self._message(rec, guild_id, guild, channel_id, channel, name, display, resolver, limit)

    def _message(
        self, rec: dict[str, Any], guild_id: str, guild: str, channel_id: str, channel: str, entry: str,
        display: str, resolver: AttachmentResolver, limit: int,
    ) -> Message:  # fmt: skip
        mid = rec.get("id")
        if mid in (None, ""):
            raise InputError(display, "a message has no id")
        try:
            created = parse_datetime(rec["timestamp"], UTC)
        except (KeyError, ValueError, TypeError):
            raise InputError(display, f"message {mid}: missing or invalid timestamp") from None
        author = as_dict(rec.get("author"))
        name = clean_text(author.get("nickname") or author.get("name") or "", 500) or "Inconnu / Unknown"
        ref = as_dict(rec.get("reference"))
        parent = ref.get("messageId")
        reactions: dict[str, int] = {}
        for r in rec.get("reactions") or ():
            if isinstance(r, dict):
                emoji = as_dict(r.get("emoji"))
                key = str(emoji.get("name") or emoji.get("id") or "?")
                reactions[key] = reactions.get(key, 0) + int(r.get("count", 1) or 1)
        atts: list[Attachment] = []
        for a in rec.get("attachments") or ():
            if isinstance(a, dict):
                atts.append(
                    resolver.attachment(str(a.get("url") or ""), entry, name=a.get("fileName") or None)
                )
        url = f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{mid}"
        return Message(
            source=SOURCE,
            community_id=channel_id,
            community_name=f"{guild} / #{channel}",
            message_id=str(mid),
            author=Author(id=str(author.get("id") or author_id_from_name(name)), name=name),
            created_at=created,
            text=clean_text(rec.get("content"), limit, display),
            kind="reply" if parent else "message",
            parent_id=str(parent) if parent else None,
            url=url,
            attachments=tuple(atts),
            reactions=reactions,
            raw=rec,
        )


register_adapter(SOURCE, DiscordAdapter)
