"""Fixtures for the media tests: the team's generated media set (fictional), built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

RECORD_LINE = "Nom : DUPONT Jeanne  Né(e) le 03/03/1977  IPP 4471203"


@pytest.fixture(scope="session")
def media_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from veilleur.detect.media.evalset import generate

    out = tmp_path_factory.mktemp("media_set")
    generate(out, small=False)
    return out


def draw_record(path: Path, lines: tuple[str, ...] = (RECORD_LINE, "Traitement : amiodarone 200 mg")) -> Path:
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 24
        )
    except OSError:
        font = ImageFont.load_default(size=24)
    img = Image.new("RGB", (860, 60 + 50 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((20, 30 + 50 * i), line, font=font, fill="black")
    img.save(path)
    return path


@pytest.fixture()
def record_png(tmp_path: Path) -> Path:
    return draw_record(tmp_path / "record.png")
