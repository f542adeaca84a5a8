"""Printed documents through a real browser engine: headless Chromium prints each document to
PDF, and the PDF is read back (page size, page count, the numbers and the urgent banner in its
text, no phone number split across lines, the patient's name field on every page of a letter).

Without Chromium these tests skip and say why; `.ci/run` installs it and sets
GRADATION_REQUIRE_ALL_TESTS so that they fail instead."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ADULT, ROOT, answer_flags

TERRITORY = str(ROOT / "grids" / "territories" / "demo.yaml")
A4 = (595.3, 841.9)  # points
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = re.compile(r"0\d(?:[ \u00a0]\d\d){4}")

CASES = {
    "niveau-2": ("psychiatrie", {**ADULT, "risque_suicidaire": "faible", "premier_episode": "oui",
                                 "decompensation": "non", "rupture_de_soins": "non"},
                 ["3114"], False),
    "urgence": ("psychiatrie", {**ADULT, "risque_suicidaire": "eleve"},
                ["15", "112", "114", "3114"], True),
    "enfant": ("enfant-apprentissages", {**ADULT, "age": 8, "enfant_en_danger": "non",
                                         "maltraitance_suspectee": "oui", "suspicion_tnd": "oui",
                                         "troubles_psychiques_associes": "non"}, ["119"], False),
}


def _browser() -> str:
    try:
        import pypdf  # noqa: F401 - reads the printed PDF back
    except ImportError:
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail("pypdf is required here (pip install -e '.[test]')")
        pytest.skip("pypdf is not installed (pip install -e '.[test]')")
    if CHROMIUM is None:
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail("Chromium is required here (Debian package « chromium »)")
        pytest.skip("Chromium is not installed (Debian package « chromium »): printed documents "
                    "are not checked on this machine")
    return CHROMIUM


def print_pdf(html: Path, tmp_path: Path) -> Path:
    pdf = html.with_suffix(".pdf")
    profile = tmp_path / "profil-chromium"
    done = subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert pdf.is_file(), done.stderr[-2000:]
    return pdf


def read_pdf(pdf: Path) -> list[tuple[tuple[float, float], str]]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return [((float(p.mediabox.width), float(p.mediabox.height)), p.extract_text() or "")
            for p in reader.pages]


def _document(cli, tmp_path, case: str, document: str) -> Path:  # type: ignore[no-untyped-def]
    situation, answers, _, _ = CASES[case]
    target = tmp_path / f"{case}-{document}.html"
    result = cli("orient", "-s", situation, "-t", TERRITORY, *answer_flags(answers), "-f", "html",
                 "-d", document, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    return target


# No sheet for the family of a child at risk: that refusal is tested in test_documents.
@pytest.mark.parametrize(("case", "document"), [
    (case, document) for case in CASES for document in ("resultat", "lettre", "fiche")
    if (case, document) != ("enfant", "fiche")])
def test_every_document_prints_on_a4_and_reads_right(cli, tmp_path, case, document):
    _browser()
    html = _document(cli, tmp_path, case, document)
    pages = read_pdf(print_pdf(html, tmp_path))
    assert 1 <= len(pages) <= 4, len(pages)
    for size, _ in pages:
        assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2, size  # A4, not US Letter
    text = "\n".join(t for _, t in pages).replace("\u00a0", " ").replace("\u202f", " ")
    _, _, numbers, urgent = CASES[case]
    if document == "resultat" or (document == "fiche" and urgent):
        for number in numbers:
            assert re.search(rf"(?<!\d){number}(?!\d)", text), number
    if urgent:
        assert "URGENT" in text
    lines = text.splitlines()
    source = html.read_text("utf-8").replace("\u00a0", " ")
    for phone in set(PHONE.findall(source)):
        assert any(phone in line for line in lines), f"{phone} split across lines"
    if document == "lettre":
        assert all("Patient(e)" in t for _, t in pages)  # the name field on every page


def test_the_urgent_banner_survives_black_and_white_printing(cli, tmp_path):
    html = _document(cli, tmp_path, "urgence", "resultat").read_text("utf-8")
    assert 'class="banner urgent"' in html
    css = html.split("<style>")[1].split("</style>")[0]
    # not colour alone: a thick border, bold text and the word URGENT itself
    assert ".banner{border:3px solid #000" in css and "font-weight:bold" in css
    assert "@page{size:A4" in css and 'name="viewport"' in html


def test_the_training_handout_prints_with_its_answer_key_after_the_stories(cli, tmp_path):
    _browser()
    target = tmp_path / "support.html"
    result = cli("train", "--export", "html", "-s", "psychiatrie", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    pages = read_pdf(print_pdf(target, tmp_path))
    portrait = [i for i, (size, _) in enumerate(pages) if size == pytest.approx(A4, abs=1)]
    landscape = [i for i, (size, _) in enumerate(pages)
                 if size == pytest.approx((A4[1], A4[0]), abs=1)]
    assert len(portrait) + len(landscape) == len(pages)
    # the seed's two tables, each on one landscape page with its source, after the title page
    assert landscape == [1, 2], [size for size, _ in pages]
    import unicodedata  # the PDF's text has ligatures (« ﬀ »)

    model, situations = (" ".join(unicodedata.normalize("NFKC", pages[i][1]).split())
                         for i in landscape)
    assert model.startswith("L'organisation en trois lignes") and "3e ligne — Recours" in model
    assert "Source : CMGF 2022" in model and "Caisse primaire" in model  # the last cell
    assert situations.startswith("Les situations et leurs niveaux de recours")
    assert "Adolescent en souffrance" in situations and "Source : CMGF 2022" in situations
    assert " ".join(pages[3][1].split()).startswith("Vignette 1 — ")
    text = " ".join(" ".join(t for _, t in pages).split())
    import yaml

    data = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))
    stories = [v for v in data["vignettes"] if v["situation"] == "psychiatrie"]
    key = text.index("Corrigé")
    for i, vignette in enumerate(stories, 1):
        start = " ".join(vignette["story"].split())[:30]
        assert 0 <= text.index(start) < key  # every story before the answer key
        model = yaml.safe_load((ROOT / "grids" / "model.yaml").read_text("utf-8"))
        labels = {level["id"]: level["label"] for level in model["levels"]}
        assert f"Réponse : {labels[vignette['level']]}" in text[key:].split(
            f"Vignette {i} — ")[1]


@pytest.mark.parametrize("command", [("model",), ("situations",), ("show", "psychiatrie")])
def test_trainers_pages_print_in_large_type_landscape(cli, tmp_path, command):
    _browser()
    result = cli(*command, "--format", "html")
    assert result.exit_code == 0
    page = tmp_path / "page.html"
    page.write_text(result.stdout, encoding="utf-8")
    pages = read_pdf(print_pdf(page, tmp_path))
    assert all(size == pytest.approx((A4[1], A4[0]), abs=1) for size, _ in pages)  # landscape
    lines = [line.strip() for _, t in pages for line in t.splitlines()]
    assert "*" not in lines and "°" not in lines  # a mark is never alone on a line
    assert not any(line.startswith("* ") and "Placé" not in line and "extension" not in line
                   for line in lines)
    text = " ".join(" ".join(t for _, t in pages).split())
    expected = {"model": "Deux notions à ne pas confondre",
                "situations": "Grands adolescents et jeunes adultes",
                "show": "Signes de décompensation (rechute) : oui et Retentissement"}[command[0]]
    assert expected in text
    if command[0] == "show":  # one colour per level: each level's heading is marked
        for level in ("urgence", "3", "2", "1"):
            assert f'<h3 class="l{level}">' in result.stdout
