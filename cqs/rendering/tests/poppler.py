"""Thin wrappers over poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) for the tests."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")


def require_poppler() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the PDF tests need poppler-utils (apt-get install poppler-utils); missing: {missing}")


def _run(*args: str) -> str:
    result = subprocess.run(args, check=True, capture_output=True, timeout=30)
    return result.stdout.decode("utf-8")


def text(
    pdf: Path,
    *,
    page: int | None = None,
    crop: tuple[float, float, float, float] | None = None,
    layout: bool = False,
) -> str:
    """Extracted text, NFC-normalised; `crop` is (x, y, width, height) in points from the top left."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if crop is not None:
        x, y, w, h = crop
        args += [
            "-r",
            "72",
            "-x",
            str(round(x)),
            "-y",
            str(round(y)),
            "-W",
            str(round(w)),
            "-H",
            str(round(h)),
        ]
    return unicodedata.normalize("NFC", _run(*args, str(pdf), "-"))


def fonts(pdf: Path) -> list[dict[str, str]]:
    """The rows of `pdffonts`: name, type, encoding, emb, sub, uni."""
    lines = _run("pdffonts", str(pdf)).splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type (may be two words), encoding, emb, sub, uni, object, id
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def info(pdf: Path) -> dict[str, str]:
    result = {}
    for line in _run("pdfinfo", str(pdf)).splitlines():
        key, _, value = line.partition(":")
        result[key.strip()] = value.strip()
    return result


def render_page(pdf: Path, page: int, out_stem: Path, *, dpi: int = 50) -> Path:
    """Page `page` as a PNG (pdftoppm), returned path."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(out_stem),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return out_stem.with_suffix(".png")
