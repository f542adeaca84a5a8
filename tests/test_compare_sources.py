"""`compare` with one answer file across situations (another situation's question is not
read, not refused; each side lists what it calls), and `compare` and `sources` as Markdown
and printable HTML with -o, read back through Chromium."""

from __future__ import annotations

from conftest import ADULT, answer_flags, write
from test_print import print_pdf, read_pdf

SCHOOLBOY = {**ADULT, "age": 10, "retentissement": "modere", "suspicion_tnd": "oui",
             "troubles_psychiques_associes": "non", "maltraitance_suspectee": "non"}
ADDICT = {**ADULT, "retentissement": "modere", "produit": "alcool", "audit": 22,
          "sevrage_complique": "non", "dependance": "oui", "retentissement_travail": "non",
          "premier_episode": "non", "decompensation": "non", "rupture_de_soins": "non"}


def test_one_answer_file_across_situations_is_read_where_it_applies(cli, tmp_path):
    # phq9 is anxio-dépression's: neither addictions nor psychiatrie asks it
    answers = write(tmp_path / "r.yaml", "\n".join(
        f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {v}"
        for k, v in {**ADDICT, "phq9": 12}.items()) + "\n")
    result = cli("compare", "addictions", "psychiatrie", "--answers", str(answers),
                 "-f", "markdown")
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("\u00a0", " ")
    assert "Score PHQ-9 (dépression)" in out  # said as not read, on both sides
    assert "AUDIT ≥ 20" in out
    unknown = cli("compare", "addictions", "psychiatrie", "-a", "phq=12")
    assert unknown.exit_code == 2 and "« phq » inconnue de la grille" in unknown.stderr


def test_each_side_lists_only_what_its_reasons_call(cli):
    out = cli("compare", "enfant-apprentissages", "adolescent", *answer_flags(
        {**SCHOOLBOY, "age": 11, "automutilations": "non", "refus_scolaire": "non",
         "troubles_alimentaires": "non", "symptomes_psychotiques": "non"}), "-f",
              "markdown").stdout
    called = next(line for line in out.splitlines() if line.startswith("| **appelle**"))
    child = called.split("|")[2]
    assert "Plateforme de coordination et d'orientation TND" in child
    assert "Médecine du travail" not in called  # never for a schoolboy


def test_compare_and_sources_in_html_with_output(cli, tmp_path):
    page = tmp_path / "comparaison.html"
    result = cli("compare", "psychiatrie", "gaja", *answer_flags(
        {**ADULT, "age": 20, "retentissement": "severe", "premier_episode": "oui",
         "decompensation": "non", "rupture_de_soins": "non", "decrochage": "non",
         "conduites_a_risque": "non", "symptomes_psychotiques": "oui"}),
        "-f", "html", "-o", str(page))
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(t for _, t in read_pdf(print_pdf(page, tmp_path))).split())
    assert "Mêmes réponses, situations comparées" in text
    assert "Grands adolescents et jeunes adultes" in text and text.count("Niveau 3") == 2
    assert cli("compare", "psychiatrie", "gaja", "-f", "html", "-o", str(page)).exit_code == 2
    sources = tmp_path / "sources.html"
    assert cli("sources", "-f", "html", "-o", str(sources)).exit_code == 0
    html = sources.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<h2>HAS 2018</h2>" in html
    pdf_text = " ".join(" ".join(t for _, t in read_pdf(print_pdf(sources, tmp_path))).split())
    assert "Sources des grilles" in pdf_text and "Cité par :" in pdf_text


def test_a_teenager_is_not_sent_to_perinatal_psychiatry(cli):
    answers = {**ADULT, "age": 17, "retentissement": "severe", "phq9": 14, "gad7": 8,
               "retentissement_travail": "non", "doute_diagnostique": "non",
               "decrochage": "non", "conduites_a_risque": "non", "symptomes_psychotiques": "non",
               "maltraitance_suspectee": "non"}
    out = cli("compare", "anxio-depression", "gaja", *answer_flags(answers), "-f",
              "markdown").stdout
    called = next(line for line in out.splitlines() if line.startswith("| **appelle**"))
    assert "Psychiatre libéral" in called.split("|")[2]
    assert "périnatale" not in called and "Médecine du travail" not in called
