"""Slack workspace export (zip or folder: ``channels.json``, ``users.json``, ``<channel>/YYYY-MM-DD.json``):
messages, threads, files, reactions; user ids resolved to names, mentions made readable."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    AttachmentResolver,
    as_dict,
    clean_text,
    fix_mojibake,
    from_unix,
    iter_json,
)
from veilleur.records import Attachment, Author, Message

SOURCE = "slack"
_DAY_FILE = re.compile(r"^(?:(?P<root>.*)/)?(?P<channel>[^/]+)/\d{4}-\d{2}-\d{2}\.json$")
_CHANNEL_LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")
# Membership and settings notices carry no member's words.
_SYSTEM_SUBTYPES = {"channel_join", "channel_leave", "group_join", "group_leave", "channel_topic",
                    "channel_purpose", "channel_name", "channel_archive", "channel_unarchive", "pinned_item"}  # fmt: skip
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]+))?>")
_LINK = re.compile(r"<(?P<url>(?:https?|mailto):[^|>]+)(?:\|(?P<label>[^>]+))?>")
_SPECIAL = re.compile(r"<!(?P<what>here|channel|everyone)[^>]*>")


def _root(tree: SourceTree) -> str | None:
    """The folder holding ``users.json`` and a channel list (zips may wrap the export in a folder)."""
    for n in sorted(tree.find("users.json"), key=lambda n: n.count("/")):
        d = posixpath.dirname(n)
        if any(tree.exists(posixpath.join(d, c)) for c in _CHANNEL_LISTS):
            return d
    return None


class SlackAdapter:
    name = SOURCE
    description = "Slack export (zip or folder) / export d'espace Slack"

    def sniff(self, tree: SourceTree) -> float:
        root = _root(tree)
        if root is None:
            return 0.0
        prefix = f"{root}/" if root else ""
        has_days = any(_DAY_FILE.match(n) for n in tree.names() if n.startswith(prefix))
        return 0.95 if has_days else 0.6

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        root = _root(tree)
        if root is None:
            raise InputError(tree.path, "not a Slack export: users.json and channels.json not found")
        users = self._users(tree, posixpath.join(root, "users.json"))
        channels = self._channels(tree, root)
        resolver = AttachmentResolver(tree)
        limit = tree.limits.max_text_chars
        prefix = f"{root}/" if root else ""
        days = sorted(
            n
            for n in tree.names()
            if n.startswith(prefix) and _DAY_FILE.match(n[len(prefix) :] if prefix else n)
        )
        for name in days:
            folder = posixpath.basename(posixpath.dirname(name))
            cid, cname = channels.get(folder, (folder, folder))
            display = tree.display(name)
            for _, rec in iter_json(tree, name, "item"):
                if not isinstance(rec, dict):
                    raise InputError(display, f"expected a list of message objects, got {rec!r:.60}")
                if rec.get("type", "message") != "message" or rec.get("subtype") in _SYSTEM_SUBTYPES:
                    continue
                yield self._message(rec, cid, cname, users, name, display, resolver, limit, options)

    def _users(self, tree: SourceTree, name: str) -> dict[str, str]:
        users: dict[str, str] = {}
        for _, u in iter_json(tree, name, "item"):
            if isinstance(u, dict) and u.get("id"):
                prof = as_dict(u.get("profile"))
                label = (
                    prof.get("display_name") or u.get("real_name") or prof.get("real_name") or u.get("name")
                )
                users[str(u["id"])] = fix_mojibake(str(label or u["id"]))
        return users

    def _channels(self, tree: SourceTree, root: str) -> dict[str, tuple[str, str]]:
        """Folder name -> (channel id, channel name)."""
        out: dict[str, tuple[str, str]] = {}
        for lst in _CHANNEL_LISTS:
            entry = posixpath.join(root, lst)
            if not tree.exists(entry):
                continue
            for _, c in iter_json(tree, entry, "item"):
                if isinstance(c, dict) and (c.get("name") or c.get("id")):
                    folder = str(c.get("name") or c.get("id"))
                    out[folder] = (str(c.get("id") or folder), fix_mojibake(folder))
        return out

    def _message(
        self, rec: dict[str, Any], cid: str, cname: str, users: dict[str, str], entry: str, display: str,
        resolver: AttachmentResolver, limit: int, options: ImportOptions,
    ) -> Message:  # fmt: skip
        ts = rec.get("ts")
        try:
            created = from_unix(ts)
        except (TypeError, ValueError, OverflowError):
            raise InputError(display, f"a message has no valid 'ts' ({ts!r})") from None
        uid = str(rec.get("user") or rec.get("bot_id") or "")
        prof = as_dict(rec.get("user_profile"))
        name = (
            users.get(uid) or prof.get("display_name") or prof.get("real_name") or rec.get("username") or uid
        )
        thread = rec.get("thread_ts")
        parent = str(thread) if thread and str(thread) != str(ts) else None
        reactions = {
            str(r.get("name")): int(r.get("count", len(r.get("users") or ())) or 0)
            for r in rec.get("reactions") or () if isinstance(r, dict) and r.get("name")
        }  # fmt: skip
        atts: list[Attachment] = []
        channel_dir = posixpath.dirname(entry)
        for f in rec.get("files") or ():
            if not isinstance(f, dict) or f.get("mode") == "tombstone":
                continue
            fname = str(f.get("name") or f.get("title") or f.get("id") or "file")
            local = next(
                (p for p in (f"{channel_dir}/files/{f.get('id')}-{fname}", f"{channel_dir}/files/{fname}")
                 if resolver.find(p)), None,
            )  # fmt: skip
            atts.append(resolver.attachment(local, entry, name=fname, declared_type=f.get("mimetype")))
        return Message(
            source=SOURCE,
            community_id=cid,
            community_name=f"#{cname}",
            message_id=str(ts),
            author=Author(id=uid or "unknown", name=fix_mojibake(str(name or "Inconnu / Unknown"))),
            created_at=created,
            text=clean_text(readable(str(rec.get("text") or ""), users), limit, display),
            kind="reply" if parent else "message",
            parent_id=parent,
            url=rec.get("permalink") if isinstance(rec.get("permalink"), str) else None,
            attachments=tuple(atts),
            reactions=reactions,
            raw=rec,
        )


def readable(text: str, users: dict[str, str]) -> str:
    """Slack markup to plain text: ``<@U1>`` -> ``@Name``, ``<url|label>`` -> ``label (url)``, entities."""
    text = _MENTION.sub(lambda m: "@" + (m["label"] or users.get(m["id"], m["id"])), text)
    text = _LINK.sub(lambda m: f"{m['label']} ({m['url']})" if m["label"] else m["url"], text)
    text = _SPECIAL.sub(lambda m: "@" + m["what"], text)
    return html.unescape(text)


register_adapter(SOURCE, SlackAdapter)
