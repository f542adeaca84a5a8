"""The access report (territory.report) as blocks for Markdown and HTML, and as CSV rows."""

from __future__ import annotations

from typing import Any

from gradation.present.documents import Block


def _weeks(value: float) -> str:
    if value == 0:
        return "sans délai"
    shown = f"{value:g}".replace(".", ",")
    return f"{shown} semaine{'s' if value > 1 else ''}"


def report_blocks(report: Any) -> list[Block]:
    blocks: list[Block] = [
        ("title", f"Accès aux soins en santé mentale — {report.territory}"),
        ("p", f"Rapport du {report.today.strftime('%d/%m/%Y')}, d'après l'annuaire du territoire "
              "(délais déclarés par les services)."),
        ("h2", "Avis rapides et évaluations sous 72 h sans ressource à temps"),
    ]
    if report.fast_gaps:
        blocks.append(("ul", [f"{g.situation} — {g.reason} ({g.delay}) : aucune ressource "
                              f"rapide pour {', '.join(g.communes)}" for g in report.fast_gaps]))
    else:
        blocks.append(("p", "Chaque raison qui demande un avis rapide trouve une ressource "
                            "rapide dans chaque commune."))
    blocks += [("h2", "Délai déclaré médian, par type de ressource"),
               ("ul", [f"{kind} : {_weeks(median)} ({count} ressource{'s' if count > 1 else ''})"
                       for kind, median, count in report.waits] or ["aucun délai déclaré"])]
    blocks += [("h2", "Délais déclarés il y a plus de six mois"),
               ("ul", [f"{name} : déclaré le {day.strftime('%d/%m/%Y')}"
                       for name, day in report.old_waits] or ["aucun"])]
    blocks += [("h2", "Fiches à vérifier (jamais ou pas récemment)"),
               ("ul", [f"{name} : " + (f"vérifiée le {day.strftime('%d/%m/%Y')}" if day
                                       else "jamais vérifiée")
                       for name, day in report.to_verify] or ["aucune"])]
    blocks += [("h2", "Types de ressources appelés par la grille, absents du territoire"),
               ("ul", report.missing_kinds or ["aucun"])]
    zero = [f"{situation} — {level} — {commune}"
            for situation, level, commune, count in report.counts if count == 0]
    blocks += [("h2", "Situations et niveaux sans aucune ressource, par commune"),
               ("ul", zero or ["aucun"])]
    return blocks


def report_rows(report: Any) -> list[list[object]]:
    """One table for a spreadsheet: section, situation, level, commune, value, detail."""
    rows: list[list[object]] = [["rubrique", "situation", "niveau", "commune", "valeur",
                                 "détail"]]
    rows += [["ressources", s, level, commune, count, ""]
             for s, level, commune, count in report.counts]
    rows += [["sans ressource rapide", g.situation, "", commune, 0, f"{g.reason} ({g.delay})"]
             for g in report.fast_gaps for commune in g.communes]
    rows += [["délai médian (semaines)", "", "", "", median, kind]
             for kind, median, _ in report.waits]
    rows += [["délai déclaré il y a plus de six mois", "", "", "", day.isoformat(), name]
             for name, day in report.old_waits]
    rows += [["fiche à vérifier", "", "", "", day.isoformat() if day else "jamais", name]
             for name, day in report.to_verify]
    rows += [["type absent", "", "", "", 0, kind] for kind in report.missing_kinds]
    return rows
