"""`gradation config praticien`: the GP's identity, set once, in every letter."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import SUBCOMMANDS, handled, print_lines

config_app = typer.Typer(subcommand_metavar=SUBCOMMANDS, no_args_is_help=True,
                         help="La configuration : l'identité du médecin pour les courriers.")

@config_app.command("praticien")
@handled
def config_praticien(
    nom: Annotated[Optional[str], typer.Option("--nom", help="Nom, tel que vous signez : "
                                               "« Dr Marie Durand ».", show_default=False)] = None,
    rpps: Annotated[Optional[str], typer.Option("--rpps", help="Numéro RPPS (11 chiffres).",
                                                show_default=False)] = None,
    adresse: Annotated[Optional[str], typer.Option("--adresse", help="Adresse du cabinet.",
                                                   show_default=False)] = None,
    telephone: Annotated[Optional[str], typer.Option("--telephone", help="Téléphone du cabinet.",
                                                     show_default=False)] = None,
    mssante: Annotated[Optional[str], typer.Option(
        "--mssante", help="Adresse de messagerie sécurisée de santé.", show_default=False)] = None,
    effacer: Annotated[bool, typer.Option("--effacer", help="Retirer l'identité enregistrée."
                                          )] = False,
) -> None:
    """L'identité du médecin, en tête et en signature de chaque courrier : dans un terminal,
    demande chaque champ ; sinon, les options données. Sans rien : l'identité enregistrée."""
    from gradation.errors import GradationError, LoadError
    from gradation.files.config import (
        PRATICIEN_FIELDS,
        Praticien,
        config_file,
        read_config,
        with_changes,
        write_config,
    )
    from gradation.files.problems import validate

    current = read_config()
    given = {k: v for k, v in {"nom": nom, "rpps": rpps, "adresse": adresse,
                               "telephone": telephone, "mssante": mssante}.items()
             if v is not None}
    if effacer:
        write_config(with_changes(current, praticien=None))
        print_lines([f"Identité du médecin retirée de {config_file()}."])
        return
    known: dict[str, Any] = current.praticien.model_dump(exclude_none=True) \
        if current.praticien else {}
    if not given and sys.stdin.isatty():
        from gradation.consult.identity import ask_fields

        given = ask_fields(PRATICIEN_FIELDS, known)
    elif not given:
        lines = current.praticien.lines() if current.praticien else []
        print_lines(lines or ["Aucune identité enregistrée : gradation config praticien --nom "
                              "« Dr … » --rpps … (les courriers laissent un blanc à remplir)."])
        return
    merged = {k: v.strip() for k, v in {**known, **given}.items() if v and v.strip()}
    problems: list[Any] = []
    if validate(Praticien, merged, problems, "praticien") is None:
        raise GradationError("identité refusée :\n" + "\n".join(
            f"  {str(p).split(': ', 1)[-1]}" for p in problems))
    try:
        write_config(with_changes(current, praticien=merged))
    except LoadError as exc:
        raise GradationError(exc.message, exc.exit_code) from None
    print_lines([f"Identité enregistrée dans {config_file()} :", *(
        f"  {line}" for line in Praticien.model_validate(merged).lines())])
