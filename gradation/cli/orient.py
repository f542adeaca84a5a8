"""`gradation orient`: the consultation."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from gradation.cli.common import AnswerOption, AnswersFileOption, GridsOption, handled


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class Letter(StrEnum):
    avis = "avis"
    adressage = "adressage"
    suivi = "suivi"
    urgence = "urgence"
    travail = "travail"
    information_preoccupante = "information-preoccupante"


class Document(StrEnum):
    resultat = "resultat"
    lettre = "lettre"
    fiche = "fiche"


@handled
def orient(
    situation: Annotated[Optional[str], typer.Option("--situation", "-s",
                         help="Identifiant de la situation (par exemple anxio-depression).",
                         show_default=False)] = None,
    territory: Annotated[Optional[str], typer.Option("--territory", "-t",
                         help="Identifiant d'un territoire fourni (demo) ou chemin d'un fichier.",
                         show_default=False)] = None,
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
                      help="Écrire le résultat dans ce fichier.", show_default=False)] = None,
    document: Annotated[Document, typer.Option("--document", "-d",
                        help="Avec markdown ou html : le résultat, le courrier d'adressage "
                        "(lettre) ou la fiche pour le patient (fiche).")] = Document.resultat,
    letter: Annotated[Optional[Letter], typer.Option(
        "--letter", help="Le courrier (avec --document lettre) : avis, adressage, suivi, urgence, "
        "travail ou information-preoccupante ; par défaut, choisi d'après le résultat et le "
        "destinataire.", show_default=False)] = None,
    to: Annotated[Optional[str], typer.Option(
        "--to", help="Destinataire du courrier : l'identifiant d'une ressource proposée.",
        show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Montrer chaque règle (appliquée "
                       "ou non, sur quelles réponses) et ce qui changerait le niveau.")] = False,
    grids: GridsOption = None,
) -> None:
    """Orienter un patient : niveau de recours, raisons, ressources locales.

    Dans un terminal, les questions sans réponse sont posées une à une ; sinon elles doivent
    toutes être données (--answer, --answers).
    """
    from gradation.consult import session

    outcome = session.orient(
        situation=situation,
        territory=territory,
        pairs=answer or [],
        answers_file=answers,
        output_format=output_format.value,
        output=output,
        grids=grids,
        interactive=answers != "-" and sys.stdin.isatty(),
        document=document.value,
        explain=explain,
        letter=letter.value if letter else None,
        recipient=to,
    )
    session.emit(outcome)
    session.follow_up(outcome)


