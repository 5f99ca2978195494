"""Configuration: one TOML file plus environment variables, declared once and typed.

Each area declares its settings as a frozen dataclass in its own ``settings.py`` (``WebSettings`` in
``veilleur.web.settings``, ``AlertSettings`` in ``veilleur.notify.settings``…), registered here with
``@section("name")``; ``load_settings()`` reads ``veilleur.toml``, applies the environment and builds one
instance per section. ``docs/configuration.md`` lists every setting (a test keeps it complete).

Rules:
- Precedence: explicit argument > environment variable > ``veilleur.toml`` > the declared default.
- An unknown section or key, or a value of the wrong type, is a ``ConfigError`` naming the file, the
  section and the key (one line; ``veilleur`` exits 2).
- One environment rule: ``VEILLEUR_<SECTION>__<KEY>`` (``VEILLEUR_WEB__SESSION_HOURS=24``,
  ``VEILLEUR_ALERTS__SMTP__HOST=…``, ``VEILLEUR_DETECTORS__RAID__MIN_AUTHORS=5``). The few names documented
  before this rule (``VEILLEUR_OCR``, ``VEILLEUR_TEXT_HARM_LLM_ENDPOINT``…) still work, with a warning;
  each is declared next to its setting (``setting(..., aliases=...)``).
- Secrets are ``SecretStr``: never printed, ``redacted()`` masks them by type, not by name.
- ``VEILLEUR_HOME`` is the data directory, ``VEILLEUR_DB`` a SQLAlchemy URL, ``VEILLEUR_CONFIG`` the TOML
  file (default ``$VEILLEUR_HOME/veilleur.toml``). The CLI's ``--home``/``--db`` reach ``load_settings``
  as arguments (``use_invocation``), never through ``os.environ``.

This module is the only one that reads the process environment for settings.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import tomllib
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from platformdirs import user_data_dir

from veilleur.errors import ConfigError

T = TypeVar("T")

ENV_PREFIX = "VEILLEUR_"

# The modules that declare sections (each is a small leaf module: dataclasses only, no heavy import).
SECTION_MODULES: tuple[str, ...] = (
    "veilleur.store.settings",
    "veilleur.web.settings",
    "veilleur.notify.settings",
    "veilleur.evidence.settings",
    "veilleur.respond.settings",
    "veilleur.detect.text_harm.settings",
    "veilleur.detect.secrecy.settings",
    "veilleur.detect.media.settings",
    "veilleur.detect.raid.settings",
    "veilleur.detect.conversation.settings",
)


class SecretStr:
    """A secret setting (password, API key): shown as ``**********``; ``get_secret_value()`` gives it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = str(value)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')"

    def __str__(self) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __getstate__(self) -> str:  # picklable (the analyze worker process gets its detectors' options)
        return self._value

    def __setstate__(self, state: str) -> None:
        self._value = state


def setting(
    default: Any = dataclasses.MISSING,
    doc: str = "",
    *,
    key: str | None = None,
    aliases: tuple[str, ...] = (),
    secret_env_from: str | None = None,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """A declared setting: its default, one line of documentation, and optionally its TOML ``key`` (when
    not a Python name, e.g. ``from``), the older environment names still accepted (``aliases``), and for a
    secret the sibling setting that names the environment variable holding it (``secret_env_from``)."""
    meta = {"doc": doc, "key": key, "aliases": aliases, "secret_env_from": secret_env_from}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


_SECTIONS: dict[str, type] = {}
_IMPORTED = False


def section(name: str, *, detector: str | None = None) -> Callable[[type[T]], type[T]]:
    """Register a settings dataclass as the ``[name]`` section (``detector``: the detector or community
    pass that receives it as its options)."""

    def register(cls: type[T]) -> type[T]:
        cls.SECTION = name  # type: ignore[attr-defined]
        cls.DETECTOR = detector  # type: ignore[attr-defined]
        _SECTIONS[name] = cls
        return cls

    return register


def sections() -> dict[str, type]:
    """Every declared section by name (imports the declaring modules once)."""
    global _IMPORTED
    if not _IMPORTED:
        for mod in SECTION_MODULES:
            importlib.import_module(mod)
        _IMPORTED = True
    return dict(_SECTIONS)


def _key(f: dataclasses.Field[Any]) -> str:
    return f.metadata.get("key") or f.name


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); ``X | Y`` -> (X | Y, False)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], optional
        return typing.Union[tuple(args)], optional  # noqa: UP007  (built at run time)
    return tp, False


def type_name(tp: Any) -> str:
    """How a setting's type is written in the docs."""
    base, opt = _optional(tp)
    origin = typing.get_origin(base)
    if origin in (typing.Union, types.UnionType):
        name = " or ".join(type_name(a) for a in typing.get_args(base))
    else:
        names = {
            bool: "bool",
            int: "int",
            float: "float",
            SecretStr: "secret",
            Path: "path",
            str: "str",
            tuple: "list of str",
            dict: "table",
        }
        name = str(names.get(origin or base) or getattr(base, "__name__", base))
    return name + (" (optional)" if opt else "")


class _Bad(ValueError):
    pass


def _cast(tp: Any, value: Any, *, from_env: bool) -> Any:
    base, opt = _optional(tp)
    if from_env and isinstance(value, str) and value == "" and opt:
        return None
    if value is None:
        if opt:
            return None
        raise _Bad("a value is required")
    if typing.get_origin(base) in (typing.Union, types.UnionType):  # "a number or auto": the first that fits
        problems = []
        for member in typing.get_args(base):
            try:
                return _cast(member, value, from_env=from_env)
            except _Bad as exc:
                problems.append(str(exc))
        raise _Bad(" or ".join(problems))
    if base is bool:
        if isinstance(value, bool):
            return value
        if (
            from_env
            and isinstance(value, str)
            and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off")
        ):
            return value.strip().lower() in ("1", "true", "yes", "on")
        raise _Bad(f"expected true or false, got {value!r}")
    if base in (int, float):  # TOML gives int for a float setting written "5"; never bool
        wanted = "a whole number" if base is int else "a number"
        accepted = (int,) if base is int else (int, float)
        if from_env and isinstance(value, str):
            try:
                return base(value.strip())
            except ValueError:
                raise _Bad(f"expected {wanted}, got {value!r}") from None
        if isinstance(value, accepted) and not isinstance(value, bool):
            return base(value)
        raise _Bad(f"expected {wanted}, got {value!r}")
    if base in (str, Path, SecretStr):
        if not isinstance(value, str):
            raise _Bad(f"expected a string, got {value!r}")
        return Path(value).expanduser() if base is Path else base(value)
    origin = typing.get_origin(base)
    if origin is tuple:
        if from_env and isinstance(value, str):
            text = value.strip()
            value = (
                json.loads(text)
                if text.startswith("[")
                else [v.strip() for v in text.split(",") if v.strip()]
            )
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"expected a list of strings, got {value!r}")
        return tuple(value)
    if origin is dict:
        if from_env and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise _Bad(f"expected a JSON object, got {value!r}") from None
        if not isinstance(value, dict):
            raise _Bad(f"expected a table, got {value!r}")
        return {str(k): v if isinstance(v, str | int | float | bool) else str(v) for k, v in value.items()}
    raise _Bad(f"unsupported setting type {base!r}")  # a declaration bug, not a user error


def _build(cls: type[T], table: Mapping[str, Any], where: str, origin: str) -> T:
    """An instance of the section dataclass ``cls`` from its TOML table (env overrides already applied)."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{origin}: [{where}] must be a table")
    hints = _hints(cls)
    by_key = {_key(f): f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(by_key))
    if unknown:
        known = ", ".join(sorted(by_key))
        raise ConfigError(f"{origin}: unknown setting [{where}] {unknown[0]} (known: {known})")
    kwargs: dict[str, Any] = {}
    for key, f in by_key.items():
        if key not in table:
            continue
        tp = hints[f.name]
        value = table[key]
        if is_dataclass(tp):
            kwargs[f.name] = _build(typing.cast(type, tp), value, f"{where}.{key}", origin)
            continue
        from_env = isinstance(value, _EnvValue)
        try:
            kwargs[f.name] = _cast(
                tp, value.text if isinstance(value, _EnvValue) else value, from_env=from_env
            )
        except ValueError as exc:  # _Bad, or a malformed JSON list/table from the environment
            src = value.var if isinstance(value, _EnvValue) else origin
            raise ConfigError(f"{src}: [{where}] {key}: {exc}") from None
    return cls(**kwargs)


@dataclass(frozen=True)
class _EnvValue:
    """A value that came from the environment (a string, cast by the setting's type)."""

    var: str
    text: str


def walk(cls: type, prefix: str = "") -> Iterator[tuple[str, dataclasses.Field[Any], Any]]:
    """(dotted key, field, type) of every leaf setting of a section class, nested tables included."""
    hints = _hints(cls)
    for f in fields(cls):
        tp = hints[f.name]
        key = f"{prefix}{_key(f)}"
        if is_dataclass(tp):
            yield from walk(typing.cast(type, tp), key + ".")
        else:
            yield key, f, tp


def env_name(section_name: str, key: str) -> str:
    """The environment variable of a setting: ``VEILLEUR_<SECTION>__<KEY>`` (dots become ``__``)."""
    return ENV_PREFIX + "__".join(p.upper() for p in f"{section_name}.{key}".split("."))


_WARNED: set[str] = set()


def _set(raw: dict[str, Any], path: list[str], value: Any) -> None:
    node = raw
    for part in path[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[path[-1]] = value


def _apply_env(raw: dict[str, Any], env: Mapping[str, str], plugin_names: Callable[[], set[str]]) -> None:
    """Write the environment's settings into the TOML tree (the one rule, then the declared aliases)."""
    declared = sections()
    leaves: dict[str, list[str]] = {}  # env name -> TOML path
    aliases: dict[str, tuple[str, str]] = {}  # alias -> (env name, TOML path)
    for name, cls in declared.items():
        for key, f, _tp in walk(cls):
            path = [*name.split("."), *key.split(".")]
            leaves[env_name(name, key)] = path
            for alias in f.metadata.get("aliases", ()):
                aliases[alias] = (env_name(name, key), ".".join(path))
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or "__" not in var[len(ENV_PREFIX) :]:
            continue
        if var in leaves:
            _set(raw, leaves[var], _EnvValue(var, env[var]))
            continue
        parts = [p.lower() for p in var[len(ENV_PREFIX) :].split("__")]
        if (
            len(parts) == 3
            and parts[0] == "detectors"
            and f"detectors.{parts[1]}" not in declared
            and parts[1] in plugin_names()
        ):
            _set(raw, parts, _toml_value(env[var]))  # a plugin's section: typed by the plugin
            continue
        raise ConfigError(
            f"{var}: unknown setting (the rule is VEILLEUR_<SECTION>__<KEY>; see docs/configuration.md)"
        )
    for alias, (new, dotted) in aliases.items():
        if alias in env and new not in env:
            if alias not in _WARNED:
                _WARNED.add(alias)
                # one line ("environment:0: FutureWarning: ..."), not the caller's source line
                warnings.warn_explicit(
                    f"{alias} is deprecated: use {new} (setting {dotted})", FutureWarning, "environment", 0
                )
            _set(raw, dotted.split("."), _EnvValue(alias, env[alias]))


def _toml_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def home_dir(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    value = (os.environ if env is None else env).get("VEILLEUR_HOME")
    if value:
        return Path(value).expanduser()
    return Path(user_data_dir("veilleur", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """The settings of one run: the data directory, the database URL and one typed object per section."""

    home: Path
    db_url: str
    sections: Mapping[str, Any] = field(default_factory=dict)
    plugins: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # [detectors.<plugin>] tables
    config_file: Path | None = None

    SECRET_MASK: ClassVar[str] = "***"

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def vault_dir(self) -> Path:
        return self.home / "vault"

    def section(self, cls: type[T]) -> T:
        """The typed settings of one area: ``settings.section(WebSettings).session_hours``."""
        got = self.sections.get(cls.SECTION)  # type: ignore[attr-defined]
        return got if isinstance(got, cls) else cls()

    @property
    def public_url(self) -> str:
        """The workspace's public address (``[web] base_url``, no trailing slash), for any area that writes
        links to it (alerts, the digest)."""
        return str(self.get("web.base_url") or "http://127.0.0.1:8000").rstrip("/")

    def detector_options(self, name: str) -> dict[str, Any]:
        """The options a detector or community pass is built with: its typed section as keyword arguments,
        or a plugin's ``[detectors.<name>]`` table."""
        for cls in sections().values():
            if getattr(cls, "DETECTOR", None) == name:
                typed: Any = self.section(cls)
                return {f.name: getattr(typed, f.name) for f in fields(typed)}
        return dict(self.plugins.get(name, {}))

    def get(self, dotted: str, default: Any = None) -> Any:
        """A setting by dotted TOML key (``alerts.smtp.host``), for scripts and tests; code uses ``section``."""
        for name in sorted(sections(), key=len, reverse=True):
            if dotted.startswith(name + "."):
                node: Any = self.section(sections()[name])
                for part in dotted[len(name) + 1 :].split("."):
                    by_key = {_key(f): f.name for f in fields(node)} if is_dataclass(node) else {}
                    if part not in by_key:
                        return default
                    node = getattr(node, by_key[part])
                return node
        if dotted.startswith("detectors."):
            _, name, *rest = dotted.split(".")
            node = self.plugins.get(name)
            for part in rest:
                node = node.get(part) if isinstance(node, Mapping) else None
            return default if node is None else node
        return default

    def redacted(self) -> dict[str, Any]:
        """The settings for display: secrets (by type) and the database password masked."""

        def show(obj: Any) -> Any:
            if isinstance(obj, SecretStr):
                return self.SECRET_MASK
            if is_dataclass(obj) and not isinstance(obj, type):
                return {_key(f): show(getattr(obj, f.name)) for f in fields(obj)}
            if isinstance(obj, Path):
                return str(obj)
            if isinstance(obj, tuple):
                return list(obj)
            return obj

        values: dict[str, Any] = {name: show(sec) for name, sec in self.sections.items()}
        values.update({f"detectors.{n}": dict(t) for n, t in self.plugins.items()})
        return {"home": str(self.home), "db_url": _mask_url(self.db_url), "values": values}


def _mask_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


@dataclass
class _Invocation:
    home: str | None = None
    db_url: str | None = None


_INVOCATION = _Invocation()


def use_invocation(*, home: str | None = None, db_url: str | None = None) -> None:
    """The CLI's ``--home`` / ``--db`` for this process: the defaults of every later ``load_settings()``
    (arguments given to ``load_settings`` still win). Called once by the composition root."""
    _INVOCATION.home = home
    _INVOCATION.db_url = db_url


def _installed_detectors() -> set[str]:
    """Names of the detectors and passes that may own a ``[detectors.<name>]`` table: those installed now
    (entry points; nothing is imported) and those registered in this process."""
    from importlib.metadata import entry_points

    from veilleur.detect.base import DETECTOR_GROUP, PASS_GROUP, default_registry

    reg = default_registry()
    declared = {ep.name for group in (DETECTOR_GROUP, PASS_GROUP) for ep in entry_points(group=group)}
    return declared | set(reg.detectors) | set(reg.passes)


def load_settings(
    home: str | os.PathLike[str] | None = None,
    db_url: str | None = None,
    *,
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read ``veilleur.toml`` and the environment (``environ``, default ``os.environ``) into typed sections."""
    env = os.environ if environ is None else environ
    h = home_dir(home or _INVOCATION.home, env)
    cfg_path = Path(config_file or env.get("VEILLEUR_CONFIG") or h / "veilleur.toml")
    raw: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: invalid TOML ({exc})") from None
    origin = str(cfg_path)
    names: set[str] = set()

    def _plugin_names() -> set[str]:  # looked up once, only when a [detectors.<name>] needs it
        if not names:
            names.update(_installed_detectors())
        return names

    _apply_env(raw, env, _plugin_names)
    declared = sections()
    built: dict[str, Any] = {}
    plugins: dict[str, dict[str, Any]] = {}
    for top, table in raw.items():
        if top == "detectors":
            if not isinstance(table, dict):
                raise ConfigError(f"{origin}: [detectors] must be a table of [detectors.<name>] tables")
            for name, sub in table.items():
                if f"detectors.{name}" in declared:
                    built[f"detectors.{name}"] = _build(
                        declared[f"detectors.{name}"], sub, f"detectors.{name}", origin
                    )
                elif name in _plugin_names():
                    if not isinstance(sub, dict):
                        raise ConfigError(f"{origin}: [detectors.{name}] must be a table")
                    plugins[name] = dict(sub)
                else:
                    raise ConfigError(
                        f"{origin}: unknown section [detectors.{name}] (no detector or pass {name!r} "
                        f"is installed: {', '.join(sorted(_plugin_names()))})"
                    )
        elif top in declared:
            built[top] = _build(declared[top], table, top, origin)
        else:
            known = ", ".join(sorted({n.split(".")[0] for n in declared}))
            raise ConfigError(f"{origin}: unknown section [{top}] (known: {known})")
    for name, cls in declared.items():
        sec = built.get(name)
        if sec is None:
            sec = built[name] = cls()
        built[name] = _resolve_secrets(sec, env)
    url = (
        db_url or _INVOCATION.db_url or env.get("VEILLEUR_DB") or getattr(built.get("database"), "url", None)
    )
    if not url:
        url = f"sqlite:///{(h / 'veilleur.sqlite').as_posix()}"
    return Settings(
        home=h,
        db_url=str(url),
        sections=built,
        plugins=plugins,
        config_file=cfg_path if cfg_path.exists() else None,
    )


def _resolve_secrets(sec: Any, env: Mapping[str, str]) -> Any:
    """A secret not set in the file may come from the environment variable named by a sibling setting
    (``text_harm.llm_api_key_env``)."""
    changes: dict[str, Any] = {}
    for f in fields(sec):
        source = f.metadata.get("secret_env_from")
        if source and getattr(sec, f.name) is None:
            value = env.get(str(getattr(sec, source) or ""))
            if value:
                changes[f.name] = SecretStr(value)
    return dataclasses.replace(sec, **changes) if changes else sec


# -- facts about the process, not settings (read here too: this is the one module that reads os.environ) --
def has_display() -> bool:
    """Whether a graphical display is available (a headed Chromium window can open)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def environment_values(names: Iterable[str]) -> dict[str, str]:
    """The non-empty environment variables among ``names`` (compared without case), e.g. proxy variables
    recorded in a capture report."""
    wanted = {n.lower() for n in names}
    return {k: v for k, v in os.environ.items() if k.lower() in wanted and v}


def secret_from_env(var: str) -> SecretStr | None:
    """A secret the user put in the environment variable ``var`` (``--password-env VAR``), or None."""
    value = os.environ.get(var)
    return SecretStr(value) if value else None


# -- reference (docs/configuration.md is generated from the declarations; a test keeps it in step) -------
def _default_text(f: dataclasses.Field[Any]) -> str:
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
    else:
        return "(required)"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, dict):
        return "{}"
    return str(value)


def reference_rows(name: str) -> list[str]:
    """The Markdown table rows of one section: key, type, default, environment variable(s), meaning."""
    rows = []
    for key, f, tp in walk(sections()[name]):
        env = f"`{env_name(name, key)}`" + "".join(
            f" (or `{a}`, deprecated)" for a in f.metadata.get("aliases", ())
        )
        rows.append(
            f"| `{key}` | {type_name(tp)} | `{_default_text(f)}` | {env} | {f.metadata.get('doc', '')} |"
        )
    return rows


def reference() -> str:
    """Every setting, section by section, as Markdown (``python -m veilleur.config``)."""
    out: list[str] = []
    for name in sorted(sections()):
        out += [
            f"### `[{name}]`",
            "",
            "| key | type | default | environment | meaning |",
            "|---|---|---|---|---|",
            *reference_rows(name),
            "",
        ]
    return "\n".join(out)


if __name__ == "__main__":  # run as a script this file is a second module: use the imported one
    from veilleur.config import reference as _reference

    print(_reference())
