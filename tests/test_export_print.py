"""The XLSX prints: LibreOffice (headless, the program many of our users open it with) turns
CentreCall's workbook into a PDF, which must have A4 pages only, no text under 8 pt, and the
full text of every cell. The pages go to test-artifacts/xlsx-print/ as PNG for a person to see.

Needs Debian's libreoffice-calc-nogui, poppler-utils and fonts-crosextra-carlito (Calibri's
metric twin), which .ci/run installs; without them the test is skipped, except under CI."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from openpyxl import load_workbook

from generator.export import Options, render
from generator.lint.runner import load_register

ARTIFACTS = REPO / "test-artifacts" / "xlsx-print"
TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdftoppm")
A4 = (841.89, 595.28)  # landscape, points
BOX_PER_PT = 1.30
"""pdftotext's word box is 1.30 times the font size (Carlito's ascent + descent + leading, as
measured on LibreOffice's PDF of a 9 pt footer): a box under 8 × 1.30 pt is text under 8 pt."""


def _tools_or_skip() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing: .ci/run installs them")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install libreoffice-calc-nogui poppler-utils)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """CentreCall's workbook and LibreOffice's PDF of it."""
    _tools_or_skip()
    tmp = tmp_path_factory.mktemp("print")
    xlsx = tmp / "registre.xlsx"
    xlsx.write_bytes(render(load_register(REPO), Options("xlsx", "fr")))
    profile = tmp / "lo-profile"  # a fresh profile: no settings of a previous run
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp / "registre.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "page")], check=True, timeout=60)
    return xlsx, pdf


def _pdftext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_every_page_is_a4(printed: tuple[Path, Path]) -> None:
    _, pdf = printed
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert len(sizes) == pages > 0
    wrong = {(w, h) for w, h in sizes if abs(float(w) - A4[0]) > 1 or abs(float(h) - A4[1]) > 1}
    assert not wrong, f"pages not A4 landscape: {wrong}"
    assert pages <= 40, f"{pages} pages for 5 activities: columns spill onto extra pages"


def test_no_text_under_8_pt(printed: tuple[Path, Path]) -> None:
    _, pdf = printed
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        _pdftext(pdf, "-bbox"),
    )
    assert len(words) > 1000
    small = sorted({(round((float(y1) - float(y0)) / BOX_PER_PT, 1), w) for y0, y1, w in words if float(y1) - float(y0) < 8 * BOX_PER_PT})
    assert not small, f"text under 8 pt: {small[:20]}"
    body = sorted(float(y1) - float(y0) for y0, y1, _ in words)[len(words) // 2]
    assert body / BOX_PER_PT >= 9, f"the body text prints at {body / BOX_PER_PT:.1f} pt"


def _squash(text: str) -> str:
    """Text without its whitespace (lines wrap anywhere) and soft hyphens."""
    return re.sub(r"[\s\u00ad]+", "", text)


def test_every_cell_is_printed_in_full(printed: tuple[Path, Path]) -> None:
    xlsx, pdf = printed
    shown = _squash(_pdftext(pdf, "-raw"))
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    missing = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, dt.datetime):
                    value = value.strftime("%d/%m/%Y")
                if value is None or not str(value).strip():
                    continue
                if _squash(str(value)) not in shown:
                    missing.append(f"{ws.title}!{cell.coordinate}: {value!r}")
    assert not missing, "\n".join(missing[:30])
