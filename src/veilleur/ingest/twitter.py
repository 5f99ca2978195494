"""X/Twitter account archive (zip or folder: ``data/tweets.js``, ``data/account.js``): the account's
tweets and replies, media from ``data/tweets_media``, like/retweet counts."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import AttachmentResolver, clean_text, iter_json, parse_datetime
from veilleur.records import Attachment, Author, Message

SOURCE = "twitter"
_TWEET_FILE = re.compile(r"(^|/)data/(tweets?|tweets-part\d+|tweet-part\d+)\.js$")
_YTD = re.compile(rb"^\s*window\.YTD\.[\w.]+\s*=\s*")


def _js_skip(tree: SourceTree, name: str) -> int:
    """Bytes of the ``window.YTD.tweets.part0 = `` assignment before the JSON array."""
    head = tree.head(name, 512)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    m = _YTD.match(head)
    if m is None:
        raise InputError(tree.display(name), "not an X/Twitter archive file (no 'window.YTD... =' prefix)")
    return m.end()


class TwitterAdapter:
    name = SOURCE
    description = "X/Twitter archive (zip or folder with data/tweets.js) / archive X (Twitter)"

    def _tweet_files(self, tree: SourceTree) -> list[str]:
        return [n for n in tree.names() if _TWEET_FILE.search(n)]

    def sniff(self, tree: SourceTree) -> float:
        for n in self._tweet_files(tree)[:5]:
            if _YTD.match(tree.head(n, 256).lstrip(b"\xef\xbb\xbf")):
                return 0.95
        return 0.0

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        files = self._tweet_files(tree)
        if not files:
            raise InputError(tree.path, "not an X/Twitter archive: data/tweets.js not found")
        account = self._account(tree, files[0])
        resolver = AttachmentResolver(tree)
        limit = tree.limits.max_text_chars
        for name in files:
            display = tree.display(name)
            for _, rec in iter_json(tree, name, "item", skip=_js_skip(tree, name)):
                tweet = rec.get("tweet", rec) if isinstance(rec, dict) else None
                if not isinstance(tweet, dict):
                    raise InputError(display, f"expected tweet objects, got {rec!r:.60}")
                yield self._message(tweet, account, name, display, resolver, limit, options)

    def _account(self, tree: SourceTree, tweets_entry: str) -> dict[str, str]:
        entry = posixpath.join(posixpath.dirname(tweets_entry), "account.js")
        if not tree.exists(entry):
            return {}
        for _, rec in iter_json(tree, entry, "item", skip=_js_skip(tree, entry)):
            acc = rec.get("account") if isinstance(rec, dict) else None
            if isinstance(acc, dict):
                return {k: str(v) for k, v in acc.items() if isinstance(v, str | int)}
        return {}

    def _message(
        self, t: dict[str, Any], account: dict[str, str], entry: str, display: str,
        resolver: AttachmentResolver, limit: int, options: ImportOptions,
    ) -> Message:  # fmt: skip
        tid = str(t.get("id_str") or t.get("id") or "")
        if not tid:
            raise InputError(display, "a tweet has no id_str")
        try:
            created = parse_datetime(t["created_at"], UTC)
        except (KeyError, ValueError, TypeError):
            raise InputError(display, f"tweet {tid}: missing or invalid created_at") from None
        account_id = account.get("accountId") or "self"
        username = account.get("username") or ""
        display_name = account.get("accountDisplayName") or (
            f"@{username}" if username else "Compte / Account"
        )
        parent = t.get("in_reply_to_status_id_str") or None
        media_dir = posixpath.join(posixpath.dirname(entry), "tweets_media")
        atts: list[Attachment] = []
        ents = (
            t.get("extended_entities") if isinstance(t.get("extended_entities"), dict) else t.get("entities")
        )
        for m in (ents or {}).get("media") or () if isinstance(ents, dict) else ():
            if not isinstance(m, dict):
                continue
            url = str(m.get("media_url_https") or m.get("media_url") or "")
            base = posixpath.basename(url)
            local = f"{media_dir}/{tid}-{base}" if base else None
            atts.append(
                resolver.attachment(local if local and resolver.find(local) else None, entry, name=base)
            )
        reactions = {k: int(t[f]) for k, f in (("like", "favorite_count"), ("retweet", "retweet_count"))
                     if str(t.get(f, "")).isdigit() and int(t[f]) > 0}  # fmt: skip
        return Message(
            source=SOURCE,
            community_id=account_id,
            community_name=options.community_name or (f"@{username}" if username else "X/Twitter"),
            message_id=tid,
            author=Author(id=account_id, name=display_name),
            created_at=created,
            text=clean_text(html.unescape(str(t.get("full_text") or t.get("text") or "")), limit, display),
            kind="reply" if parent else "post",
            parent_id=str(parent) if parent else None,
            url=f"https://x.com/{username or 'i/web'}/status/{tid}",
            attachments=tuple(atts),
            reactions=reactions,
            raw=t,
        )


register_adapter(SOURCE, TwitterAdapter)
