"""Typed settings: declared once per area, unknown keys refused, one environment rule, secrets typed,
every setting documented (docs/configuration.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from veilleur.config import SecretStr, Settings, load_settings, reference_rows, sections
from veilleur.errors import ConfigError
from veilleur.notify.settings import AlertSettings
from veilleur.web.settings import ApiSettings, WebSettings

ROOT = Path(__file__).resolve().parents[2]


def _home(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "veilleur.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_values_are_typed_and_defaults_declared_once(tmp_path: Path) -> None:
    home = _home(tmp_path, '[web]\nsession_hours = 24\n[api]\ntext_detectors = ["text_harm"]\n')
    s = load_settings(home=home, environ={})
    assert s.section(WebSettings).session_hours == 24.0
    assert isinstance(s.section(WebSettings).session_hours, float)
    assert s.section(WebSettings).login_max_failures == 5  # the declared default
    assert s.section(ApiSettings).text_detectors == ("text_harm",)
    with pytest.raises(AttributeError):  # frozen
        s.section(WebSettings).session_hours = 1  # type: ignore[misc]
    # A Settings built by hand (tests, embedders) gives each area its defaults.
    assert Settings(home=tmp_path, db_url="sqlite://").section(WebSettings) == WebSettings()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[web]\nsesion_hours = 3\n", r"unknown setting \[web\] sesion_hours \(known: .*session_hours"),
        ("[webb]\nx = 1\n", r"unknown section \[webb\]"),
        ('[alerts.smtp]\nhots = "x"\n', r"unknown setting \[alerts.smtp\] hots"),
        ('[web]\nsession_hours = "douze"\n', r"\[web\] session_hours: expected a number"),
        ("[api]\npreload = 1\n", r"\[api\] preload: expected true or false"),
        ("[detectors.conversaton]\nmin_authors = 3\n", r"unknown section \[detectors.conversaton\]"),
        ("[detectors.raid]\nmin_author = 3\n", r"unknown setting \[detectors.raid\] min_author"),
    ],
)
def test_mistakes_in_the_file_are_one_clear_error(tmp_path: Path, toml: str, message: str) -> None:
    home = _home(tmp_path, toml)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(home=home, environ={})
    assert str(tmp_path / "veilleur.toml") in str(info.value) and "\n" not in str(info.value)


def test_cli_reports_an_unknown_key_on_one_line_with_exit_2(tmp_path: Path) -> None:
    home = _home(tmp_path, "[web]\nsesion_hours = 3\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLEUR_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    r = subprocess.run(
        [sys.executable, "-m", "veilleur", "--home", str(home), "db-upgrade"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 2, r.stderr
    assert "unknown setting [web] sesion_hours" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_environment_follows_one_rule_and_wins_over_the_file(tmp_path: Path) -> None:
    home = _home(tmp_path, '[web]\nsession_hours = 24\n[alerts.smtp]\nhost = "file.example"\n')
    env = {
        "VEILLEUR_WEB__SESSION_HOURS": "6",
        "VEILLEUR_ALERTS__SMTP__PORT": "2525",
        "VEILLEUR_API__TEXT_DETECTORS": "text_harm,secrecy",
        "VEILLEUR_API__PRELOAD": "off",
        "VEILLEUR_DETECTORS__RAID__MIN_AUTHORS": "5",
    }
    s = load_settings(home=home, environ=env)
    assert s.section(WebSettings).session_hours == 6.0
    smtp = s.section(AlertSettings).smtp
    assert (smtp.host, smtp.port) == ("file.example", 2525)
    assert s.section(ApiSettings).text_detectors == ("text_harm", "secrecy")
    assert s.section(ApiSettings).preload is False
    assert s.detector_options("raid") == {"window_hours": 6.0, "min_authors": 5}


def test_unknown_or_malformed_environment_settings_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="VEILLEUR_WEB__SESION_HOURS: unknown setting"):
        load_settings(home=tmp_path, environ={"VEILLEUR_WEB__SESION_HOURS": "3"})
    with pytest.raises(
        ConfigError, match=r"VEILLEUR_WEB__SESSION_HOURS: \[web\] session_hours: expected a number"
    ):
        load_settings(home=tmp_path, environ={"VEILLEUR_WEB__SESSION_HOURS": "douze"})


def test_documented_old_names_still_work_with_a_warning(tmp_path: Path) -> None:
    import veilleur.config as config

    config._WARNED.clear()
    with pytest.warns(
        FutureWarning, match="VEILLEUR_OCR is deprecated: use VEILLEUR_DETECTORS__MEDIA__OCR_ENGINE"
    ):
        s = load_settings(
            home=tmp_path,
            environ={
                "VEILLEUR_OCR": "tesseract",
                "VEILLEUR_MEDIA_JOBS": "2",
                "VEILLEUR_TEXT_HARM_LLM_ENDPOINT": "http://127.0.0.1:9/v1",
            },
        )
    opts = s.detector_options("media")
    assert (opts["ocr_engine"], opts["jobs"]) == ("tesseract", 2)
    assert s.detector_options("text_harm")["llm_endpoint"] == "http://127.0.0.1:9/v1"
    # the new name wins over the old one
    s = load_settings(
        home=tmp_path,
        environ={"VEILLEUR_OCR": "tesseract", "VEILLEUR_DETECTORS__MEDIA__OCR_ENGINE": "rapidocr"},
    )
    assert s.detector_options("media")["ocr_engine"] == "rapidocr"


def test_secrets_are_typed_and_never_shown(tmp_path: Path) -> None:
    home = _home(
        tmp_path,
        '[alerts.smtp]\nhost = "h"\npassword = "hunter2-smtp"\n[text_harm]\nllm_api_key_env = "MY_LLM_KEY"\n',
    )
    s = load_settings(home=home, environ={"MY_LLM_KEY": "sk-secret-123"})
    pw = s.section(AlertSettings).smtp.password
    assert isinstance(pw, SecretStr) and pw.get_secret_value() == "hunter2-smtp"
    key = s.detector_options("text_harm")["llm_api_key"]
    assert isinstance(key, SecretStr) and key.get_secret_value() == "sk-secret-123"
    shown = f"{s!r} {s.redacted()} {s.section(AlertSettings)!r} {s.detector_options('text_harm')}"
    assert "hunter2" not in shown and "sk-secret" not in shown
    assert s.redacted()["values"]["alerts"]["smtp"]["password"] == "***"


def test_cli_passes_home_and_db_as_arguments_not_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veilleur.config as config
    from veilleur.cli import app

    monkeypatch.delenv("VEILLEUR_DB", raising=False)
    monkeypatch.delenv("VEILLEUR_HOME", raising=False)
    monkeypatch.setattr(config, "_INVOCATION", config._Invocation())
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, ["--home", str(tmp_path), "--db", db, "db-upgrade"])
    assert r.exit_code == 0, r.output
    assert "VEILLEUR_DB" not in os.environ and "VEILLEUR_HOME" not in os.environ
    s = load_settings()
    assert (s.home, s.db_url) == (tmp_path, db)
    assert load_settings(db_url="sqlite://").db_url == "sqlite://"  # an explicit argument still wins


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = doc.split("<!-- settings:begin -->", 1)[1].split("<!-- settings:end -->", 1)[0]
    missing = [row for name in sections() for row in reference_rows(name) if row not in block]
    assert not missing, "docs/configuration.md is out of date (python -m veilleur.config):\n" + "\n".join(
        missing
    )
    documented = set(re.findall(r"^### `\[([\w.]+)\]`", block, re.M))
    assert documented == set(sections())
