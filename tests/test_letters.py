"""Letters ready to send: the GP's identity, HAS 2018 sections, purposes that fit the result,
child protection kept apart, one A4 page (Chromium)."""

from __future__ import annotations

import pytest
from conftest import ADULT, ROOT, answer_flags
from test_print import A4, print_pdf, read_pdf

DEMO = str(ROOT / "grids" / "territories" / "demo.yaml")
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
           "maltraitance_suspectee": "non", "tentative_recente": "non", "mise_en_danger": "non"}
FIRST_EPISODE = ("psychiatrie", {**ADULT, **CONTEXT, "risque_suicidaire": "faible",
                                 "premier_episode": "oui", "decompensation": "non",
                                 "rupture_de_soins": "non"})
FOLLOWED = ("psychiatrie", {**FIRST_EPISODE[1], "suivi_psychiatrique": "oui",
                            "premier_episode": "non", "decompensation": "oui"})
URGENT = ("psychiatrie", {**ADULT, **CONTEXT, "risque_suicidaire": "eleve"})
WORK = ("anxio-depression", {**ADULT, **CONTEXT, "risque_suicidaire": "aucun", "phq9": 12,
                             "gad7": 8, "retentissement_travail": "oui",
                             "doute_diagnostique": "non"})
CHILD = ("enfant-apprentissages", {**ADULT, **CONTEXT, "age": 8, "enfant_en_danger": "non",
                                   "maltraitance_suspectee": "oui", "suspicion_tnd": "oui",
                                   "troubles_psychiques_associes": "non"})
LETTERS = {"avis": FIRST_EPISODE, "adressage": FIRST_EPISODE, "suivi": FOLLOWED,
           "urgence": URGENT, "travail": WORK, "information-preoccupante": CHILD}


class Plain:
    """A command's result with French no-break spaces read as spaces."""

    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.exit_code = result.exit_code
        self.stdout = result.stdout.replace("\u00a0", " ").replace("\u202f", " ")
        self.stderr = result.stderr
        self.output = result.output


def letter(cli, case, purpose, *extra, territory=DEMO):  # type: ignore[no-untyped-def]
    situation, answers = case
    return Plain(cli("orient", "-s", situation, "-t", territory, *answer_flags(answers), "-f",
               "markdown", "-d", "lettre", "--letter", purpose, *extra))


@pytest.mark.parametrize("purpose", list(LETTERS))
def test_with_the_gps_identity_every_letter_is_headed_and_signed(cli, purpose):
    assert cli("config", "praticien", "--nom", "Dr Marie Durand", "--rpps", "10001234567",
               "--telephone", "01 99 00 00 10").exit_code == 0
    result = letter(cli, LETTERS[purpose], purpose)
    assert result.exit_code == 0, result.output
    text = result.stdout
    head, _, rest = text.partition("\n")
    assert head == "Dr Marie Durand · RPPS 10001234567 · Tél. 01 99 00 00 10"
    assert "Dr Marie Durand (RPPS 10001234567)" in rest
    for gone in ("brouillon", "gradation", "Grille par défaut", "version 20"):
        assert gone not in text, gone


def test_without_an_identity_a_blank_never_a_name(cli):
    text = letter(cli, FIRST_EPISODE, "avis").stdout
    assert text.startswith("*(Médecin : nom, RPPS, adresse, téléphone, messagerie sécurisée)*")
    assert text.rstrip().endswith("*(signature)*\n\n…………………………………………………………………………".rstrip()) or \
        "*(signature)*" in text.splitlines()[-3:]
    assert "Dr Marie" not in text


def test_a_letter_follows_has_2018(cli):
    text = letter(cli, FIRST_EPISODE, "avis").stdout
    for section in ("## Ma question", "## Symptômes et hypothèses diagnostiques",
                    "## Éléments cliniques", "## Traitements en cours", "## Antécédents et "
                    "contexte", "## Délai souhaité", "## Ce que j'attends du suivi partagé"):
        assert section in text, section
    assert "Premier épisode psychotique ou maniaque suspecté." in text  # a clinical sentence
    assert "Un rendez-vous dans la semaine, si possible." in text
    assert "(HAS 2018" not in text  # no rule text with its source pasted in


def test_abbreviations_are_written_as_they_are(cli):
    case = ("anxio-depression", {**WORK[1], "phq9": 22, "retentissement_travail": "non"})
    text = letter(cli, case, "avis").stdout
    assert "PHQ-9" in text and "phq-9" not in text


@pytest.mark.parametrize(("case", "purpose", "said"), [
    (CHILD, "travail", "le patient a 8 ans"),
    (FIRST_EPISODE, "urgence", "ni une urgence ni une évaluation sous 72 h"),
    (FIRST_EPISODE, "information-preoccupante", "aucune suspicion de maltraitance"),
])
def test_a_purpose_that_does_not_fit_is_refused(cli, case, purpose, said):
    result = letter(cli, case, purpose)
    assert result.exit_code == 2 and said in result.stderr, result.output


def test_a_referral_to_the_pco_never_names_the_suspicion(cli):
    result = letter(cli, CHILD, "adressage", "--to", "pco-demo")
    assert result.exit_code == 0, result.output
    text = result.stdout.lower()
    for word in ("maltraitance", "119", "préoccupante", "protection de l'enfance", "crip"):
        assert word not in text, word


def test_the_information_preoccupante_names_the_crip_of_the_territory(cli, tmp_path):
    without = letter(cli, CHILD, "information-preoccupante").stdout
    assert "CRIP (cellule de recueil des informations préoccupantes) du conseil " \
           "départemental" in " ".join(without.split())
    demo = (ROOT / "grids" / "territories" / "demo.yaml").read_text(encoding="utf-8")
    own = tmp_path / "t.yaml"
    own.write_text(demo.replace("territory:\n", 'territory:\n  crip: {name: "CRIP du '
                                'département fictif", phone: "01 99 00 07 00"}\n', 1),
                   encoding="utf-8")
    text = letter(cli, CHILD, "information-preoccupante", territory=str(own)).stdout
    assert "CRIP du département fictif · tél. 01 99 00 07 00" in text


@pytest.mark.parametrize("purpose", list(LETTERS))
def test_each_letter_prints_on_one_a4_page(cli, tmp_path, purpose):
    assert cli("config", "praticien", "--nom", "Dr Marie Durand", "--rpps", "10001234567",
               "--adresse", "3 rue des Lilas, 99100 Exempleville").exit_code == 0
    situation, answers = LETTERS[purpose]
    html = tmp_path / f"{purpose}.html"
    result = cli("orient", "-s", situation, "-t", DEMO, *answer_flags(answers), "-f", "html",
                 "-d", "lettre", "--letter", purpose, "-o", str(html))
    assert result.exit_code == 0, result.output
    pages = read_pdf(print_pdf(html, tmp_path))
    assert len(pages) == 1, f"{purpose}: {len(pages)} pages"
    size, text = pages[0]
    assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2
    assert "Dr Marie Durand" in text and "10001234567" in text
