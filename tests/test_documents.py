"""The referral letter and the patient sheet: their contents, and HTML that renders."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import ADULT, ROOT, answer_flags

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
PSY = {**ADULT, "risque_suicidaire": "faible", "premier_episode": "oui", "decompensation": "non",
       "rupture_de_soins": "non"}


def write_doc(cli, tmp_path, document, fmt, answers=PSY, situation="psychiatrie"):  # type: ignore[no-untyped-def]
    target = tmp_path / f"{document}.{ 'md' if fmt == 'markdown' else 'html'}"
    result = cli("orient", "-s", situation, "-t", TERRITORY, *answer_flags(answers), "-f", fmt,
                 "-d", document, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return target.read_text(encoding="utf-8")


def test_letter_follows_the_has_2018_guide(cli, tmp_path):
    text = write_doc(cli, tmp_path, "lettre", "markdown")
    assert text.startswith("# Courrier d'adressage (brouillon)")
    assert "À : Soins partagés" in text  # the first listed resource, with its contacts
    question = text.split("## Motif : ma question")[1].split("##")[0]
    assert question.strip().endswith("?")  # the reason phrased as a question
    assert "Premier épisode psychotique ou maniaque suspecté ? : oui" in text
    assert "Faible (idées sans scénario)" in text
    assert "## Ce que j'attends du suivi partagé" in text
    for place in ("## Options thérapeutiques envisagées", "## Traitements en cours",
                  "## Antécédents"):
        assert place in text and "(à compléter)" in text.split(place)[1].split("##")[0]
    assert "99001" not in text  # no address of the patient


def test_patient_sheet_in_plain_french(cli, tmp_path):
    answers = {**ADULT, "produit": "alcool", "audit": 10, "sevrage_complique": "oui",
               "dependance": "non", "retentissement_travail": "non", "risque_suicidaire": "faible"}
    text = write_doc(cli, tmp_path, "fiche", "markdown", answers, "addictions")
    assert text.startswith("# Votre orientation")
    where = text.split("## Où aller")[1].split("##")[0]
    assert "Unité de sevrage" in where and "Centre de cure" not in where
    waiting = text.split("## En attendant")[1].split("##")[0]
    assert "médecin traitant" in waiting and "Dr Émile" in waiting
    numbers = text.split("## Si ça ne va pas, ou si ça s'aggrave")[1]
    for number in ("15 :", "112 :", "114 :", "3114 :"):
        assert number in numbers


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        assert self.stack and self.stack.pop() == tag, tag

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def test_html_documents_are_well_formed_printable_and_escaped(cli, tmp_path):
    territory = tmp_path / "t.yaml"
    territory.write_text(
        'territory: {id: t, name: "T"}\nresources:\n'
        '  - {id: a, name: "<script>alert(1)</script> [red]CMP[/red]", kind: psychiatre}\n',
        encoding="utf-8")
    for document in ("lettre", "fiche", "resultat"):
        target = tmp_path / f"{document}.html"
        result = cli("orient", "-s", "psychiatrie", "-t", str(territory), *answer_flags(PSY),
                     "-f", "html", "-d", document, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        page = target.read_text(encoding="utf-8")
        parser = _Collector()
        parser.feed(page)
        parser.close()
        assert parser.stack == []
        assert "script" not in parser.tags  # the name is shown, never run
        assert "<script>alert(1)</script> [red]CMP[/red]" in "".join(parser.text)
        assert "@media print" in page and '<html lang="fr">' in page


def test_nothing_about_the_patient_is_written_without_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cache").mkdir()
    before = {p for p in tmp_path.rglob("*") if "cache" not in p.parts}
    answers = {**PSY, "commune": "99077"}  # a value found nowhere else
    for args in ([], ["-f", "json"], ["-f", "markdown"], ["--explain"]):
        result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, *answer_flags(answers), *args)
        assert result.exit_code == 0
        assert "99077" in result.stdout or args == ["-f", "markdown"] or args == []
    after = {p for p in tmp_path.rglob("*") if "cache" not in p.parts}
    assert after == before  # nothing written but the cache of grids and territories
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"99077" not in path.read_bytes(), path
