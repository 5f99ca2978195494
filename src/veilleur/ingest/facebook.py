"""Facebook "Download Your Information" group export (JSON ``group_posts_v2``): posts, nested comments
and replies, reactions, photos in the export folder; repairs Facebook's latin-1-escaped UTF-8."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    AttachmentResolver,
    author_id_from_name,
    clean_text,
    derived_id,
    fix_mojibake,
    from_unix,
    iter_json,
    json_entries,
    json_head_text,
    json_meta,
)
from veilleur.records import Attachment, Author, Message, MessageKind

SOURCE = "facebook"
POSTS_KEY = "group_posts_v2"

# Real exports name the author only in the title ("Camille Roux a publié dans Entre Confrères.").
_TITLE_AUTHOR = re.compile(
    r"^(?P<name>.+?)\s+(?:a publié|a partagé|a commenté|a répondu|a mis à jour|posted|shared|commented|"
    r"replied|updated|wrote)\b",
)


def author_from_title(title: str) -> str | None:
    m = _TITLE_AUTHOR.match(fix_mojibake(title).strip())
    return m["name"].strip() if m else None


class FacebookAdapter:
    name = SOURCE
    description = "Facebook group export (Download Your Information, JSON) / export de groupe Facebook"

    def _post_files(self, tree: SourceTree) -> list[str]:
        return [n for n in json_entries(tree, limit=10_000) if POSTS_KEY in json_head_text(tree, n, 65536)]

    def sniff(self, tree: SourceTree) -> float:
        for n in json_entries(tree, limit=50):
            if f'"{POSTS_KEY}"' in json_head_text(tree, n, 65536):
                return 0.95
        return 0.0

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        files = self._post_files(tree)
        if not files:
            raise InputError(tree.path, f"no Facebook group JSON file (no {POSTS_KEY!r} key) in this export")
        resolver = AttachmentResolver(tree)
        for name in files:
            meta = json_meta(tree, name, ("group_name", "group_id"), stop=POSTS_KEY)
            group_name = fix_mojibake(str(meta.get("group_name") or options.community_name or ""))
            if not group_name:
                group_name = PurePosixPath(name).stem
            group_id = str(meta.get("group_id") or derived_id(group_name, prefix="fbg_"))
            reader = _PostReader(tree, name, group_id, group_name, resolver)
            for _, post in iter_json(tree, name, f"{POSTS_KEY}.item"):
                if not isinstance(post, dict):
                    raise InputError(
                        tree.display(name), f"{POSTS_KEY}: expected an object per post, got {post!r:.60}"
                    )
                yield from reader.walk(post, "post", None)


class _PostReader:
    def __init__(
        self, tree: SourceTree, entry: str, group_id: str, group_name: str, resolver: AttachmentResolver
    ) -> None:
        self.tree = tree
        self.entry = entry
        self.display = tree.display(entry)
        self.group_id = group_id
        self.group_name = group_name
        self.resolver = resolver
        self.limit = tree.limits.max_text_chars

    def walk(self, rec: dict[str, Any], kind: MessageKind, parent_id: str | None) -> Iterator[Message]:
        rec = _unwrap_comment(rec)
        msg = self.message(rec, kind, parent_id)
        yield msg
        for child in rec.get("comments") or ():
            if isinstance(child, dict):
                yield from self.walk(child, "comment" if kind == "post" else "reply", msg.message_id)

    def message(self, rec: dict[str, Any], kind: MessageKind, parent_id: str | None) -> Message:
        ts = rec.get("timestamp")
        if ts is None:
            raise InputError(self.display, f"a {kind} has no timestamp: {_short(rec)}")
        try:
            created = from_unix(ts)
        except (TypeError, ValueError, OverflowError, OSError):
            raise InputError(self.display, f"a {kind} has an invalid timestamp {ts!r}") from None
        text = self.text(rec, kind)
        author = fix_mojibake(str(rec.get("author") or "")).strip()
        if not author:
            author = author_from_title(str(rec.get("title") or "")) or "Inconnu / Unknown"
        mid = rec.get("id")
        message_id = (
            str(mid) if mid not in (None, "") else derived_id(ts, author, text, parent_id or "", prefix="fb_")
        )
        reactions = Counter(
            fix_mojibake(str(r.get("reaction", "?")))
            for r in rec.get("reactions") or ()
            if isinstance(r, dict)
        )
        return Message(
            source=SOURCE,
            community_id=self.group_id,
            community_name=self.group_name,
            message_id=message_id,
            author=Author(id=author_id_from_name(author), name=author),
            created_at=created,
            text=text,
            kind=kind,
            parent_id=parent_id,
            attachments=self.attachments(rec),
            reactions=dict(reactions),
            url=_permalink(rec),
            raw={k: v for k, v in rec.items() if k != "comments"},
        )

    def text(self, rec: dict[str, Any], kind: MessageKind) -> str:
        parts: list[str] = []
        if kind != "post" and isinstance(rec.get("comment"), str):
            parts.append(rec["comment"])
        for d in rec.get("data") or ():
            if isinstance(d, dict):
                for key in ("post", "comment"):
                    if isinstance(d.get(key), str):
                        parts.append(d[key])
        if kind == "post" and not parts and isinstance(rec.get("post"), str):
            parts.append(rec["post"])
        return clean_text("\n".join(parts), self.limit, self.display)

    def attachments(self, rec: dict[str, Any]) -> tuple[Attachment, ...]:
        out: list[Attachment] = []
        for att in rec.get("attachments") or ():
            for d in (att.get("data") or ()) if isinstance(att, dict) else ():
                media = d.get("media") if isinstance(d, dict) else None
                if isinstance(media, dict) and media.get("uri"):
                    out.append(self.resolver.attachment(str(media["uri"]), self.entry))
        return tuple(out)


def _unwrap_comment(rec: dict[str, Any]) -> dict[str, Any]:
    """Real DYI comments sit in ``data[{"comment": {timestamp, comment, author}}]``: lift them up."""
    if "timestamp" in rec:
        return rec
    for d in rec.get("data") or ():
        inner = d.get("comment") if isinstance(d, dict) else None
        if isinstance(inner, dict) and "timestamp" in inner:
            merged = {k: v for k, v in rec.items() if k != "data"}
            merged.update(inner)
            return merged
    return rec


def _permalink(rec: dict[str, Any]) -> str | None:
    """The item's permalink when the export gives one (the exact location a DSA notice needs)."""
    for key in ("url", "permalink", "permalink_url"):
        value = rec.get(key)
        if isinstance(value, str) and value.startswith("https://"):
            return value
    return None


def _short(rec: dict[str, Any]) -> str:
    return str({k: rec[k] for k in list(rec)[:4]})[:120]


register_adapter(SOURCE, FacebookAdapter)
