"""The referral letter and the patient sheet: their contents, and HTML that renders."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import ADULT, ROOT, answer_flags

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
PSY = {**ADULT, "risque_suicidaire": "faible", "premier_episode": "oui", "decompensation": "non",
       "rupture_de_soins": "non"}


def write_doc(cli, tmp_path, document, fmt, answers=PSY, situation="psychiatrie",  # type: ignore[no-untyped-def]
              extra=()):
    target = tmp_path / f"{document}.{ 'md' if fmt == 'markdown' else 'html'}"
    target.unlink(missing_ok=True)
    result = cli("orient", "-s", situation, "-t", TERRITORY, *answer_flags(answers), "-f", fmt,
                 "-d", document, "-o", str(target), *extra)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return target.read_text(encoding="utf-8")


def test_an_opinion_request_follows_the_has_2018_guide(cli, tmp_path):
    text = write_doc(cli, tmp_path, "lettre", "markdown")
    assert "\n# Demande d'avis spécialisé\n" in text and "brouillon" not in text
    assert "AVIS RAPIDE" in text  # a first episode: rapide
    destinataire = text.split("## Destinataire")[1].split("##")[0]
    assert "Dr X (psychiatre)" in destinataire  # the first listed resource, with its contacts
    assert "Chère consœur, cher confrère," in text  # a physician
    question = text.split("## Ma question")[1].split("##")[0]
    assert question.strip().endswith("?")  # the reason phrased as a question
    assert "premier épisode suspecté" in question and "Troubles psychiatriques" not in question
    clinical = text.split("## Éléments cliniques")[1].split("##")[0]
    assert "- Premier épisode psychotique ou maniaque suspecté." in clinical  # a sentence
    assert "? : oui" not in text and "Danger pour autrui ?" not in text
    assert "Pas de signe d'urgence" in clinical  # the negative red flags in one line
    for place in ("## Symptômes et hypothèses diagnostiques", "## Traitements en cours",
                  "## Antécédents"):
        assert place in text and "(à compléter)" in text.split(place)[1].split("##")[0]
    assert "99001" not in text  # no address of the patient


def test_letters_by_purpose_and_recipient(cli, tmp_path):
    psychiatrist = write_doc(cli, tmp_path, "lettre", "markdown", extra=("--to", "psychiatre-x"))
    assert "\n# Demande d'avis spécialisé\n" in psychiatrist
    assert "Chère consœur, cher confrère," in psychiatrist  # a psychiatrist is a physician
    level_one = {**PSY, "premier_episode": "non", "risque_suicidaire": "aucun",
                 "retentissement": "aucun"}
    psy = write_doc(cli, tmp_path, "lettre", "markdown", level_one, extra=("--to", "psy-adultes"))
    assert "\n# Courrier d'adressage\n" in psy and "Madame, Monsieur," in psy
    assert "Je vous adresse ce patient pour un suivi" in psy
    urgent = write_doc(cli, tmp_path, "lettre", "markdown", {**PSY, "agitation": "oui"})
    assert "\n# Transfert en urgence\n" in urgent and "URGENT" in urgent
    assert "avis diagnostique" not in urgent and "## Motif du transfert" in urgent
    work = {**ADULT, "phq9": 5, "gad7": 5, "retentissement_travail": "oui",
            "doute_diagnostique": "non"}
    travail = write_doc(cli, tmp_path, "lettre", "markdown", work, "anxio-depression")
    assert "\n# Courrier au médecin du travail" in travail and "accord du patient" in travail
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, *answer_flags(PSY), "-f",
                 "markdown", "-d", "lettre", "--to", "mg-eric")
    assert result.exit_code == 2 and "absent des ressources proposées" in result.stderr


def test_no_letter_to_another_gp_at_level_one(cli, tmp_path):
    level_one = {**ADULT, "premier_episode": "non", "decompensation": "non",
                 "rupture_de_soins": "non", "retentissement": "aucun"}
    letter = write_doc(cli, tmp_path, "lettre", "markdown", level_one)
    assert "\n# Courrier d'adressage\n" in letter
    assert "## Destinataire" in letter
    destinataire = letter.split("## Destinataire")[1].split("##")[0]
    assert "psychologue" in destinataire.lower() and "Dr " not in destinataire


def test_a_child_at_risk_gets_the_information_preoccupante_page_and_no_sheet(cli, tmp_path):
    child = {**ADULT, "age": 8, "enfant_en_danger": "non", "maltraitance_suspectee": "oui",
             "suspicion_tnd": "oui", "troubles_psychiques_associes": "non"}
    page = write_doc(cli, tmp_path, "lettre", "markdown", child, "enfant-apprentissages",
                     extra=("--letter", "information-preoccupante"))
    assert "\n# Information préoccupante — aide à la rédaction\n" in page
    # the letter written by default is a referral, which never names the suspicion
    referral = write_doc(cli, tmp_path, "lettre", "markdown", child, "enfant-apprentissages")
    assert "maltraitance" not in referral.lower() and "préoccupante" not in referral
    assert "CRIP" in page and "procureur" in page and "ne pas le remettre" in page
    for danger in (child, {**child, "maltraitance_suspectee": "non", "enfant_en_danger": "oui"}):
        result = cli("orient", "-s", "enfant-apprentissages", "-t", TERRITORY,
                     *answer_flags(danger), "-f", "markdown", "-d", "fiche")
        assert result.exit_code == 2 and "Pas de fiche pour la famille" in result.stderr
        assert result.stdout == ""


def test_patient_sheet_in_plain_french(cli, tmp_path):
    answers = {**ADULT, "produit": "alcool", "audit": 10, "sevrage_complique": "oui",
               "dependance": "non", "retentissement_travail": "non", "risque_suicidaire": "faible"}
    text = write_doc(cli, tmp_path, "fiche", "markdown", answers, "addictions")
    assert text.startswith("# Votre orientation")
    where = text.split("## Où aller")[1].split("##")[0]
    assert "Unité de sevrage" in where and "Centre de cure" not in where
    # the unit is reached through the doctor: never « à appeler en premier »
    assert "votre médecin les contacte" in where and "Délai : 6" in where
    assert "à appeler en premier" not in where
    waiting = text.split("## En attendant le rendez-vous")[1].split("##")[0]
    assert "médecin traitant" in waiting
    assert "Dr É" not in text and "Dr Eric" not in text and "Maison de santé" not in text
    numbers = text.split("## Si ça ne va pas, ou si ça s'aggrave")[1]
    for number in ("**15**", "**112**", "**114**", "**3114**"):
        assert number in numbers


def test_the_urgent_sheet_speaks_to_the_person_who_accompanies(cli, tmp_path):
    sheet = write_doc(cli, tmp_path, "fiche", "markdown", {**PSY, "agitation": "oui"})
    assert sheet.startswith("# Aide immédiate — pour la personne qui accompagne")
    assert "ne laissez pas la personne seule" in sheet and "En attendant" not in sheet


def test_the_html_result_carries_the_numbers_the_crip_route_and_the_footer(cli, tmp_path):
    child = {**ADULT, "age": 8, "enfant_en_danger": "non", "maltraitance_suspectee": "oui",
             "suspicion_tnd": "oui", "troubles_psychiques_associes": "non"}
    page = write_doc(cli, tmp_path, "resultat", "html", child, "enfant-apprentissages")
    assert 'href="tel:119"' in page and "CRIP" in page
    assert "Territoire des tests (fictif)" in page and "version" in page
    suicidal = write_doc(cli, tmp_path, "resultat", "html", {**PSY, "risque_suicidaire":
                                                                  "moyen"})
    assert 'href="tel:3114"' in suicidal and "AVIS RAPIDE" in suicidal


def test_french_typography_holds_numbers_and_punctuation_together():
    from gradation.present.typography import NBSP, NNBSP, fr

    assert fr("Tél. : 01 99 00 09 01") == f"Tél.{NBSP}: 01{NBSP}99{NBSP}00{NBSP}09{NBSP}01"
    assert fr("« CMP » ; 24 h/24 ?") == f"«{NBSP}CMP{NBSP}»{NNBSP}; 24{NBSP}h/24{NNBSP}?"
    assert fr("16 ans, 4 semaines, 39 89") == f"16{NBSP}ans, 4{NBSP}semaines, 39{NBSP}89"


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


def test_the_document_result_says_what_the_terminal_says_in_its_notes(cli, tmp_path):
    # PHQ-9 left out (« non évalué »), and an answer this situation does not ask
    answers = {**ADULT, "gad7": 5, "retentissement_travail": "non", "doute_diagnostique": "non",
               "premier_episode": "oui"}
    flags = answer_flags(answers)
    for fmt in ("markdown", "html"):
        result = cli("orient", "-s", "anxio-depression", "-t", TERRITORY, *flags, "-f", fmt)
        assert result.exit_code == 0, result.output
        text = " ".join(result.stdout.replace("\u00a0", " ").replace("\u202f", " ").split())
        raise_ = text.split("Non évalué, pourrait relever le niveau : ")[1]
        assert raise_.split("Réponses ignorées")[0].rstrip(" -</li>").endswith(
            "Score PHQ-9 (dépression)")
        assert ("Réponses ignorées (questions non posées sur ce parcours) : "
                + ("premier\\_episode" if fmt == "markdown" else "premier_episode")) in text


def test_a_declared_wait_says_its_age_and_warns_after_six_months(grid, tmp_path):
    import datetime as dt

    from conftest import write

    from gradation.core.settle import result_for
    from gradation.files.territories import load_territory
    from gradation.present.output import render_document
    from gradation.present.terminal import result_text

    path = write(tmp_path / "t.yaml", """\
        territory:
          id: t
          name: "T"
          communes: [{insee: "99001", name: "Alpha"}]
        resources:
          - {id: psy-a, name: "Dr A (psychiatre)", kind: psychiatre, wait_weeks: 8,
             wait_as_of: 2026-08-27}
          - {id: cmp-b, name: "CMP B", kind: cmp, wait_weeks: 10, wait_as_of: 2026-05-27}
        """)
    today = dt.date(2026, 11, 28)
    territory = load_territory(path, grid, today)
    answers = {**PSY, "risque_suicidaire": "aucun", "retentissement": "modere",
               "premier_episode": "non"}
    result = result_for(grid, grid.situations["psychiatrie"], answers, territory, today)
    screen = " ".join(result_text(result, grid).split())
    assert "8 semaines d'attente (déclaré il y a 3 mois)" in screen
    assert "10 semaines d'attente (déclaré il y a 6 mois)" in screen
    sheet = render_document("resultat", "markdown", result, grid, today)
    assert "8 semaines, déclaré il y a 3 mois" in sheet.replace("\u00a0", " ")
    stale = [w for w in result.warnings if "plus de six mois" in w]
    assert len(stale) == 1 and "« CMP B » : délai de 10 semaines déclaré le 27/05/2026" in stale[0]
