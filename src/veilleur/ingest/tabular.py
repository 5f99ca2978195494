"""Generic CSV and JSONL files (scraper output, spreadsheets, other tools' exports), mapped to messages
through a column map ({field: column}) with sensible French/English default column names."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import tzinfo
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

import yaml

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, SourceTree, register_adapter
from veilleur.ingest.util import (
    MAX_RECORD_BYTES,
    author_id_from_name,
    check_json_depth,
    clean_text,
    derived_id,
    iter_lines,
    open_text,
    parse_datetime,
    sniff_encoding,
    too_deep,
    zone,
)
from veilleur.records import Author, Message

FIELDS = ("id", "author", "author_id", "created_at", "text", "parent_id", "url", "community")
_CSV_SUFFIXES = (".csv", ".tsv")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


@cache
def default_columns() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(resources.files("veilleur.ingest").joinpath("data/tabular.yaml").read_text("utf-8"))
    return {k: tuple(str(c).casefold() for c in v) for k, v in data["columns"].items()}


def _get(record: dict[str, Any], path: str) -> Any:
    """A value by column name, or by dotted path in nested JSON (``author.name``)."""
    if path in record:
        return record[path]
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class _Mapping:
    """Which column feeds each message field, for one file."""

    def __init__(self, columns: list[str], options: ImportOptions, display: str, nested_ok: bool) -> None:
        unknown = set(options.column_map) - set(FIELDS)
        if unknown:
            raise InputError(display, f"unknown field(s) in column map: {', '.join(sorted(unknown))} "
                                      f"(fields: {', '.join(FIELDS)})")  # fmt: skip
        by_fold = {c.casefold().strip(): c for c in columns}
        # field -> columns to try in order; JSONL records vary, so unseen default names stay candidates
        self.columns: dict[str, tuple[str, ...]] = {}
        used: set[str] = set()
        for fld in FIELDS:
            if fld in options.column_map:
                col = options.column_map[fld]
                if col not in columns and col.casefold() in by_fold:
                    col = by_fold[col.casefold()]
                elif col not in columns and not (nested_ok and "." in col):
                    raise InputError(
                        display, f"column {col!r} (for {fld}) not found; columns: {', '.join(columns)}"
                    )
                self.columns[fld] = (col,)
                used.add(col)
                continue
            present = [
                by_fold[c] for c in default_columns().get(fld, ()) if c in by_fold and by_fold[c] not in used
            ]
            if present:
                self.columns[fld] = (present[0],)
                used.add(present[0])
            elif nested_ok:
                self.columns[fld] = tuple(c for c in default_columns().get(fld, ()) if c not in by_fold)
        for required in ("text", "created_at"):
            if (
                not any(c in columns for c in self.columns.get(required, ()))
                and required not in options.column_map
            ):
                raise InputError(display, f"no {required} column found among {', '.join(columns)[:200]} "
                                           f"(give one with a column map, e.g. {required}=<column>)")  # fmt: skip

    def value(self, record: dict[str, Any], fld: str) -> Any:
        for col in self.columns.get(fld, ()):
            v = _get(record, col)
            if v is not None and not (isinstance(v, str) and not v.strip()):
                return v
        return None


class _TabularAdapter:
    name = ""
    description = ""

    def _records(self, tree: SourceTree, name: str) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        raise NotImplementedError

    def _entries(self, tree: SourceTree) -> list[str]:
        raise NotImplementedError

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        entries = self._entries(tree)
        if not entries:
            raise InputError(tree.path, f"no {self.name.upper()} file in this input")
        tz = zone(options.timezone)
        for name in entries:
            display = tree.display(name)
            mapping: _Mapping | None = None
            for line, rec, columns in self._records(tree, name):
                if mapping is None:
                    mapping = _Mapping(columns, options, display, nested_ok=self.name == "jsonl")
                msg = self._message(
                    rec, line, mapping, name, display, tz, options, tree.limits.max_text_chars
                )
                if msg is not None:
                    yield msg
            if mapping is None:
                raise InputError(display, "no records (only a header or blank lines)")

    def _message(
        self, rec: dict[str, Any], line: int, mp: _Mapping, entry: str, display: str, tz: tzinfo,
        options: ImportOptions, limit: int,
    ) -> Message | None:  # fmt: skip
        def val(fld: str) -> Any:
            return mp.value(rec, fld)

        raw_text = val("text")
        if isinstance(raw_text, dict | list):
            raw_text = json.dumps(raw_text, ensure_ascii=False)
        text = clean_text(raw_text, limit, display)
        when = val("created_at")
        if when is None:
            raise InputError(display, f"line {line}: empty date in column {mp.columns['created_at'][0]!r}")
        try:
            created = parse_datetime(when, tz)
        except (ValueError, OverflowError, OSError):
            raise InputError(display, f"line {line}: unrecognised date {str(when)[:40]!r}") from None
        author_v = val("author")
        if isinstance(author_v, dict):  # nested JSON author object
            author_name = str(author_v.get("name") or author_v.get("username") or author_v.get("id") or "")
            author_v_id = author_v.get("id")
        else:
            author_name, author_v_id = str(author_v or ""), None
        author_name = clean_text(author_name, 500) or "Inconnu / Unknown"
        author_id = str(val("author_id") or author_v_id or author_id_from_name(author_name))
        community = clean_text(val("community") or options.community_name or PurePosixPath(entry).stem, 500)
        mid = val("id")
        message_id = (
            str(mid) if mid is not None else derived_id(community, created.isoformat(), author_id, text)
        )
        parent = val("parent_id")
        url = val("url")
        return Message(
            source=self.name,
            community_id=derived_id(community, prefix=f"{self.name}_"),
            community_name=community,
            message_id=message_id,
            author=Author(id=author_id, name=author_name),
            created_at=created,
            text=text,
            kind="reply" if parent is not None else "message",
            parent_id=str(parent) if parent is not None else None,
            url=str(url) if url is not None else None,
            raw=rec,
        )


class CsvAdapter(_TabularAdapter):
    name = "csv"
    description = "CSV file with a column map / fichier CSV avec correspondance de colonnes"

    def _entries(self, tree: SourceTree) -> list[str]:
        return [n for n in tree.names() if n.lower().endswith(_CSV_SUFFIXES)]

    def sniff(self, tree: SourceTree) -> float:
        names = tree.names()
        csvs = self._entries(tree)
        if not csvs:
            return 0.0
        try:
            head = tree.head(csvs[0], 4096)
            first = head.decode(sniff_encoding(head), errors="replace").lstrip("\ufeff").splitlines()[0]
        except (InputError, IndexError):
            return 0.0
        header = {
            c.strip().strip('"').casefold() for c in first.replace(";", ",").replace("\t", ",").split(",")
        }
        looks = bool(header & set(default_columns()["text"]))
        share = len(csvs) / len(names)
        return (0.9 if looks else 0.7) if share == 1.0 else (0.55 if share >= 0.5 else 0.2)

    def _records(self, tree: SourceTree, name: str) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        display = tree.display(name)
        head = tree.head(name, 65536)
        sample = head.decode(sniff_encoding(head), errors="replace").lstrip("\ufeff")
        sample = sample[: sample.rfind("\n")] if "\n" in sample else sample
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            delimiter = dialect.delimiter
        except csv.Error:
            first = sample.splitlines()[0] if sample else ""
            delimiter = max(",;\t|", key=first.count)
        csv.field_size_limit(max(csv.field_size_limit(), tree.limits.max_text_chars * 4))
        with open_text(tree, name) as f:
            reader = csv.reader(f, delimiter=delimiter, quotechar='"', doublequote=True)
            try:
                header = next(reader, None)
                if not header or not any(h.strip() for h in header):
                    raise InputError(display, "no header line")
                header = [h.lstrip("\ufeff").strip() for h in header]
                for row in reader:
                    if not any(c.strip() for c in row):
                        continue
                    if len(row) > len(header):
                        raise InputError(
                            display,
                            f"line {reader.line_num}: {len(row)} fields but the header has {len(header)}",
                        )
                    yield reader.line_num, dict(zip(header, row, strict=False)), header
            except csv.Error as exc:
                raise InputError(display, f"line {reader.line_num}: malformed CSV ({exc})") from None


class JsonlAdapter(_TabularAdapter):
    name = "jsonl"
    description = "JSON Lines file with a column map / fichier JSON Lines"

    def _entries(self, tree: SourceTree) -> list[str]:
        out = [n for n in tree.names() if n.lower().endswith(_JSONL_SUFFIXES)]
        if (
            not out
            and not tree.is_zip
            and not tree.is_dir
            and self._first_lines_are_objects(tree, tree.names()[0])
        ):
            out = tree.names()
        return out

    def _first_lines_are_objects(self, tree: SourceTree, name: str) -> bool:
        try:
            lines = [ln for ln in tree.head(name, 65536).splitlines() if ln.strip()][:2]
            for ln in lines:
                check_json_depth(ln.decode("utf-8", "replace"), name, "")
            return len(lines) == 2 and all(isinstance(json.loads(ln), dict) for ln in lines)
        except (InputError, ValueError, RecursionError):
            return False

    def sniff(self, tree: SourceTree) -> float:
        names = tree.names()
        entries = [n for n in names if n.lower().endswith(_JSONL_SUFFIXES)]
        if entries:
            return 0.9 if len(entries) == len(names) else 0.55
        if len(names) == 1 and self._first_lines_are_objects(tree, names[0]):
            return 0.6
        return 0.0

    def _records(self, tree: SourceTree, name: str) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        display = tree.display(name)
        columns: list[str] | None = None
        with open_text(tree, name) as f:
            for n, line in iter_lines(f, display, MAX_RECORD_BYTES):
                s = line.strip().lstrip("\ufeff")
                if not s:
                    continue
                check_json_depth(s, display, f"at line {n}")
                try:
                    rec = json.loads(s)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        display, f"line {n}: malformed JSON ({exc.msg} at column {exc.colno})"
                    ) from None
                except RecursionError:
                    raise too_deep(display, f"at line {n}") from None
                if not isinstance(rec, dict):
                    raise InputError(display, f"line {n}: expected a JSON object, got {type(rec).__name__}")
                if columns is None:
                    columns = list(rec)
                yield n, rec, columns


register_adapter("csv", CsvAdapter)
register_adapter("jsonl", JsonlAdapter)
