"""Helpers shared by the ingestion adapters: mojibake repair, time parsing, stable ids, text decoding,
streaming JSON, attachment resolution and media types. Adapters hold no duplicated logic."""

from __future__ import annotations

import codecs
import io
import logging
import mimetypes
import posixpath
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import PurePosixPath
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ijson  # type: ignore[import-untyped]

from veilleur.errors import InputError
from veilleur.ingest.base import SourceTree, _safe_member_name
from veilleur.records import Attachment, stable_id

log = logging.getLogger("veilleur.ingest")

TRUNCATION_MARK = " […texte tronqué / text truncated]"

# ---------------------------------------------------------------- text repair


_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


def fix_mojibake(s: str) -> str:
    """Undo UTF-8 bytes read as latin-1/cp1252 (Facebook writes ``"\\u00c3\\u00a9"`` for "é").

    Strings that are not mojibake are returned untouched: a genuine "é" encodes to one latin-1
    byte, which is not valid UTF-8, so the round trip fails and the original is kept.
    """
    if not s or s.isascii() or not _MOJIBAKE_HINT.search(s):
        return s
    for enc in ("latin-1", "cp1252"):
        try:
            return s.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return s


def clean_text(s: Any, limit: int, where: str = "") -> str:
    """A message text: mojibake repaired, NULs removed, capped at ``limit`` characters."""
    if s is None:
        return ""
    text = fix_mojibake(str(s)).replace("\x00", "")
    return cap_text(text, limit, where)


def cap_text(text: str, limit: int, where: str = "") -> str:
    """Cap a text at ``limit`` characters (a pathological message must not exhaust memory downstream)."""
    if len(text) <= limit:
        return text
    log.warning("%s: message text of %d characters truncated to %d", where or "input", len(text), limit)
    return text[:limit] + TRUNCATION_MARK


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (exports omit or null optional objects)."""
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- ids


def derived_id(*parts: object, prefix: str = "d_") -> str:
    """A stable id for records the platform gives none (same content -> same id on every import)."""
    return stable_id(*(str(p) for p in parts), prefix=prefix, length=20)


def author_id_from_name(name: str) -> str:
    """Platforms without user ids (Facebook, WhatsApp): the id is derived from the display name."""
    return derived_id(name.strip().casefold(), prefix="n_")


# ---------------------------------------------------------------- time


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("timezone", f"unknown time zone {name!r} (e.g. Europe/Paris)") from None


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach a zone to a local wall-clock time, DST-correct (fold=0 picks the first of an ambiguous hour)."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def from_unix(value: Any) -> datetime:
    """Seconds (or milliseconds, when absurdly large) since the epoch -> aware UTC datetime."""
    v = float(value)
    if v > 1e11:  # milliseconds: 1e11 s is year 5138
        v /= 1000.0
    return datetime.fromtimestamp(v, UTC)


_FR_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12,
}  # fmt: skip

_NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{2,4})"
    r"(?:[,\sT]+(?:à\s*)?(?P<H>\d{1,2})[:hH](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$"
)
_FR_TEXT_DATE = re.compile(
    r"^(?:\w+\.?\s+)?(?P<d>\d{1,2})(?:er)?\s+(?P<mon>[a-zéû]+)\.?\s+(?P<y>\d{4})"
    r"(?:[,\s]+(?:à\s*)?(?P<H>\d{1,2})[:hH](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$",
    re.IGNORECASE,
)


def _hour(h: int, ampm: str | None) -> int:
    if not ampm:
        return h
    pm = ampm.lower().startswith("p")
    if h == 12:
        return 12 if pm else 0
    return h + 12 if pm else h


def _year(y: str) -> int:
    return int(y) + 2000 if len(y) == 2 else int(y)


def parse_datetime(value: Any, tz: tzinfo, day_first: bool = True) -> datetime:
    """Parse the date formats exports use; naive times are local to ``tz``. Raises ``ValueError``.

    Accepted: epoch seconds/milliseconds, ISO 8601 (``Z`` or offset or naive), ``12/03/2024 14:05[:33]``
    (day first unless ``day_first`` is False), ``12/03/24, 2:05 PM``, ``12 mars 2024 à 14h05``,
    Twitter's ``Wed Mar 13 10:00:00 +0000 2024``.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_unix(value)
    s = str(value).strip().replace("\u202f", " ").replace("\u00a0", " ")
    if not s:
        raise ValueError("empty date")
    if re.fullmatch(r"\d{9,13}(\.\d+)?", s):
        return from_unix(s)
    iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        pass
    else:
        return dt.astimezone(UTC) if dt.tzinfo else localize(dt, tz)
    m = _NUMERIC_DATE.match(s)
    if m:
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if day_first else (b, a)
        hh = _hour(int(m["H"]), m["ampm"]) if m["H"] else 0
        naive = datetime(_year(m["y"]), month, day, hh, int(m["M"] or 0), int(m["S"] or 0))
        return localize(naive, tz)
    m = _FR_TEXT_DATE.match(s)
    if m and m["mon"].lower().rstrip(".") in _FR_MONTHS:
        naive = datetime(
            int(m["y"]), _FR_MONTHS[m["mon"].lower().rstrip(".")], int(m["d"]),
            int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0),
        )  # fmt: skip
        return localize(naive, tz)
    try:
        return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        pass
    raise ValueError(f"unrecognised date {s!r}")


# ---------------------------------------------------------------- media


_EXTRA_TYPES = {
    ".dcm": "application/dicom",
    ".dicom": "application/dicom",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".3gp": "video/3gpp",
    ".mov": "video/quicktime",
    ".mp4": "video/mp4",
    ".vcf": "text/vcard",
    ".webm": "video/webm",
    ".tgs": "application/x-tgsticker",
}


def guess_media_type(name: str, declared: str | None = None) -> str:
    """A MIME type from what the platform declared, else the file name; octet-stream when unknown."""
    if declared and "/" in declared:
        return declared.lower()
    suffix = PurePosixPath(name.split("?", 1)[0]).suffix.lower()
    if suffix in _EXTRA_TYPES:
        return _EXTRA_TYPES[suffix]
    guessed, _ = mimetypes.guess_type("x" + suffix) if suffix else (None, None)
    return guessed or "application/octet-stream"


class AttachmentResolver:
    """Finds the tree entry an export's relative file reference points to.

    Exports refer to files relative to the export root or to the JSON/txt file, and zips often add a
    top-level folder; we try the reference as is, then relative to each ancestor of the referring entry.
    A reference that escapes the tree (``../``) or names no entry gives an attachment marked missing.
    """

    def __init__(self, tree: SourceTree) -> None:
        self.tree = tree
        self._names = set(tree.names())

    def find(self, ref: str, referrer: str = "") -> str | None:
        ref = ref.strip().replace("\\", "/")
        if not ref or "://" in ref:
            return None
        if ref.startswith("./"):
            ref = ref[2:]
        candidates = []
        parent = posixpath.dirname(referrer)
        while True:
            candidates.append(posixpath.join(parent, ref) if parent else ref)
            if not parent:
                break
            parent = posixpath.dirname(parent)
        for cand in candidates:
            norm = _safe_member_name(cand)
            if norm is not None and norm in self._names:
                return norm
        return None

    def attachment(
        self, ref: str | None, referrer: str, name: str | None = None, declared_type: str | None = None
    ) -> Attachment:
        """An ``Attachment`` for a reference; ``missing=True`` when the export lacks the file."""
        ref = ref or ""
        entry = self.find(ref, referrer) if ref else None
        fname = name or PurePosixPath(ref.split("?", 1)[0]).name or "attachment"
        fname = fix_mojibake(fname)
        if entry is None:
            if ref and "://" not in ref:
                log.warning("%s: referenced file %r is missing from the export", referrer, ref)
            return Attachment(name=fname, media_type=guess_media_type(fname, declared_type), missing=True)
        return Attachment(
            name=fname,
            media_type=guess_media_type(fname, declared_type),
            size=self.tree.size(entry),
            path=entry,
        )


# ---------------------------------------------------------------- text files


def sniff_encoding(head: bytes) -> str:
    """The encoding of a text file from its first bytes: BOM, UTF-16 without BOM, UTF-8, else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        even_nuls = sample[0::2].count(b"\x00")
        odd_nuls = sample[1::2].count(b"\x00")
        return "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the head boundary
            return "utf-8"
        return "cp1252"


@contextmanager
def open_text(tree: SourceTree, name: str) -> Iterator[IO[str]]:
    """Open a text entry for streaming, decoding it with the sniffed encoding.

    Undecodable bytes are replaced by U+FFFD (a warning names the file): one bad byte in a chat must not
    lose the whole chat. A file that is not UTF-8 at its head is read as Windows-1252 (old exports
    re-saved on Windows), with a warning.
    """
    display = tree.display(name)
    head = tree.head(name, 65536)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(display, "the file is empty")
    encoding = sniff_encoding(head)
    if encoding == "cp1252":
        log.warning("%s: not UTF-8; decoded as %s", display, encoding)
    nonprint = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    if not encoding.startswith("utf-16") and nonprint > 8:
        raise InputError(display, "binary data, not a text file")
    with tree.open_binary(name) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        try:
            yield text
        finally:
            text.detach()


def iter_lines(stream: IO[str], display: str, max_chars: int | None = None) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its end of line), warning once about replaced bytes.

    With ``max_chars``, a longer line is refused with a clear error before it is read whole."""
    warned = False
    lines: Iterator[str] = (
        iter(stream) if max_chars is None else iter(lambda: stream.readline(max_chars + 2), "")
    )
    for n, line in enumerate(lines, 1):
        if max_chars is not None and len(line) > max_chars and len(line.rstrip("\r\n")) > max_chars:
            raise InputError(display, f"line {n} is longer than {max_chars:,} characters: refused")
        if "\ufffd" in line and not warned:
            warned = True
            log.warning("%s: undecodable bytes replaced by U+FFFD (first at line %d)", display, n)
        yield n, line.rstrip("\r\n")


# ---------------------------------------------------------------- streaming JSON


class _CountingReader(io.RawIOBase):
    """Counts bytes read (for error positions) and drops a UTF-8 BOM, which yajl refuses."""

    def __init__(self, raw: IO[bytes], skip: int = 0) -> None:
        self._raw = raw
        first = raw.read(3)
        self.pos = 0
        if first == codecs.BOM_UTF8:
            first, self.pos = b"", 3
        if skip:
            if skip >= len(first):
                raw.read(skip - len(first))
                first = b""
            else:
                first = first[skip:]
            self.pos += skip
        self._pending = first

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self._pending:
            n = min(len(b), len(self._pending))
            b[:n] = self._pending[:n]
            self._pending = self._pending[n:]
        else:
            data = self._raw.read(len(b))
            n = len(data)
            b[:n] = data
        self.pos += n
        return n


def json_error(display: str, exc: Exception, pos: int | None = None) -> InputError:
    """One clear line for an ijson/yajl error (whose own message spans several lines)."""
    msg = str(exc)
    if msg.startswith("b'") or msg.startswith('b"'):
        msg = msg[2:]
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    first = first.replace("\\n", " ").strip()
    where = f" (near byte {pos})" if pos is not None else ""
    if "premature EOF" in first:
        return InputError(display, f"truncated JSON: the file ends in the middle of a value{where}")
    if "invalid bytes in UTF8" in first:
        return InputError(display, f"invalid UTF-8 in JSON{where}")
    return InputError(display, f"malformed JSON: {first}{where}")


# ijson keeps one prefix string per nesting level and builds a whole read buffer's events at once, so an
# export nested N deep costs memory in N²: the depth is capped, and the read buffer kept small so the
# events of one buffer stay cheap even at the worst nesting (4 KB: < 50 MB).
MAX_JSON_DEPTH = 100
MAX_RECORD_BYTES = 64 * 1024 * 1024  # one record (post, message) of a JSON export, as bytes in the file
MAX_RECORD_VALUES = 1_000_000  # JSON values (strings, numbers, objects...) in one record
_PARSE_BUF = 4096


def too_deep(display: str, where: str) -> InputError:
    return InputError(
        display, f"JSON nested more than {MAX_JSON_DEPTH} levels deep {where}: refused (not an export)"
    )


def _parse(stream: IO[bytes], reader: _CountingReader, display: str) -> Iterator[tuple[str, str, Any]]:
    """``ijson.parse`` with a nesting limit (bounded memory; a clear error instead of a crash)."""
    depth = 0
    for prefix, event, value in ijson.parse(stream, use_float=True, buf_size=_PARSE_BUF):
        if event == "start_map" or event == "start_array":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise too_deep(display, f"(within the first {reader.pos} bytes)")
        elif event == "end_map" or event == "end_array":
            depth -= 1
        yield prefix, event, value


def check_json_depth(text: str, display: str, where: str) -> None:
    """Refuse ``text`` (one JSON document) nested deeper than MAX_JSON_DEPTH, before ``json.loads`` (whose
    recursion fails near 1,000 levels, and whose results other code walks recursively). Cheap: a text
    with fewer brackets than the limit is not even scanned."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise too_deep(display, where)
        elif c in "]}":
            depth -= 1


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def iter_json(
    tree: SourceTree,
    name: str,
    item_prefix: str,
    meta_prefixes: Iterable[str] = (),
    container_prefix: str | None = None,
    skip: int = 0,
) -> Iterator[tuple[dict[str, Any], Any]]:
    """Stream the JSON values found at ``item_prefix`` (ijson prefix syntax, e.g. ``messages.item``).

    Yields ``(meta, value)``, where ``meta`` holds the scalar values seen so far at ``meta_prefixes``
    inside the current container (``container_prefix``, e.g. ``chats.list.item``; reset at each one).
    Memory is bounded by the largest single item, never by the file. ``skip`` bytes are ignored at
    the start (Twitter's ``window.YTD... =`` prefix).
    """
    display = tree.display(name)
    metas = set(meta_prefixes)
    meta: dict[str, Any] = {}
    with tree.open_binary(name) as raw:
        reader = _CountingReader(raw, skip)
        stream = io.BufferedReader(reader, 256 * 1024)
        builder: Any = None
        depth = values = start = 0
        try:
            for prefix, event, value in _parse(stream, reader, display):
                if builder is not None:
                    builder.event(event, value)
                    values += 1
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                        if depth == 0:
                            yield dict(meta), builder.value
                            builder = None
                    if (
                        builder is not None
                        and not values % 4096
                        and (values > MAX_RECORD_VALUES or reader.pos - start > MAX_RECORD_BYTES)
                    ):
                        raise InputError(
                            display,
                            f"one record (starting near byte {start}) is larger than {MAX_RECORD_BYTES // 2**20} MB "
                            f"or {MAX_RECORD_VALUES:,} values: refused",
                        )
                    continue
                if prefix == item_prefix:
                    if event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth, values, start = 1, 1, reader.pos
                    elif event not in ("map_key", "end_map", "end_array"):
                        yield dict(meta), value
                elif prefix in metas and event in ("string", "number", "boolean", "null"):
                    meta[prefix] = value
                elif container_prefix is not None and prefix == container_prefix and event == "start_map":
                    meta = {}
        except ijson.JSONError as exc:
            raise json_error(display, exc, reader.pos) from None


def json_meta(
    tree: SourceTree, name: str, prefixes: Iterable[str], stop: str | None = None
) -> dict[str, Any]:
    """Scalar values at ``prefixes`` of a JSON entry, reading only until ``stop`` (a prefix) starts when
    every one is found; otherwise the whole file is scanned (streamed) for them."""
    wanted = set(prefixes)
    found: dict[str, Any] = {}
    display = tree.display(name)
    with tree.open_binary(name) as raw:
        reader = _CountingReader(raw)
        stream = io.BufferedReader(reader, 256 * 1024)
        try:
            for prefix, event, value in _parse(stream, reader, display):
                if prefix in wanted and event in ("string", "number", "boolean"):
                    found[prefix] = value
                    if len(found) == len(wanted):
                        break
                elif stop is not None and prefix == stop and event in ("start_array", "start_map") and found:
                    # the usual layouts write metadata before the records: what is not there yet is absent
                    break
        except ijson.JSONError as exc:
            raise json_error(display, exc, reader.pos) from None
    return found


def json_head_text(tree: SourceTree, name: str, n: int = 8192) -> str:
    """The first bytes of an entry as text, for cheap sniffing of JSON keys (a corrupt entry raises)."""
    return tree.head(name, n).decode("utf-8", errors="replace")


def json_entries(tree: SourceTree, limit: int = 200) -> list[str]:
    """JSON entries of a tree (at most ``limit``, for sniffing), shortest paths first."""
    names = [n for n in tree.names() if n.lower().endswith(".json")]
    return sorted(names, key=lambda n: (n.count("/"), n))[:limit]
