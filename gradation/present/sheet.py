"""The sheet a patient keeps, on one A4 page: plain French, one block per place (name, why,
how to reach it, the wait, what to bring), the first one to call marked — the first place of the
most urgent reason that the patient can reach alone (a kind `for_patient: false` is « votre
médecin les contacte »), never a Mon soutien psy psychologist when the scheme does not apply —,
each reason's advice, what to do if no one can see them in time, and whom to call if things get
worse. Red only for urgence and an evaluation within 72 hours.

At urgence it speaks to the person who accompanies. It is refused when a child may be in
danger: the family must not be warned in a way that endangers the child. It never lists other
GPs: « votre médecin traitant » stays the patient's doctor.
"""

from __future__ import annotations

import datetime as dt

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import Resource
from gradation.errors import GradationError
from gradation.present.documents import Block, Place, place
from gradation.present.sections import in_time


def _others(grid: Grid, resources: list[Resource], result: Result) -> list[Resource]:
    """Without the kinds that may be the patient's own doctor (GP, MSP, centre de santé), the
    services for doctors only, and Mon soutien psy when the scheme does not apply."""
    hidden = {k.id for k in grid.model.kinds if k.primary_doctor or k.professionals_only}
    return [r for r in resources if r.kind not in hidden
            and not (r.mon_soutien_psy and result.mon_soutien_psy_excluded)]


def _reachable(grid: Grid, res: Resource) -> bool:
    return bool(grid.kind(res.kind).for_patient)


def _first_to_call(result: Result, grid: Grid, main: list[Resource],
                   alongside: list[Resource]) -> str | None:
    """The first place the patient can reach alone that answers the most urgent reason; else
    the first they can reach at all."""
    delays = {r.rule: r.delay for r in result.reasons}
    reachable = [r for r in [*main, *alongside] if _reachable(grid, r)]
    urgent = [r for r in reachable
              if any(delays.get(rule) == result.delay for rule in result.because.get(r.id, []))]
    chosen = urgent or reachable
    return chosen[0].id if chosen else None


def _for_patient(res: Resource, grid: Grid, result: Result, first: bool = False) -> Place:
    """A place in plain words: « pour un avis spécialisé », not the clinical reason."""
    shown = place(res, grid, result, first=first, for_patient=True)
    kind = grid.kind(res.kind)
    if not kind.for_patient:
        shown.why, shown.phone, shown.first = "votre médecin les contacte", None, False
    elif result.level == "urgence":
        shown.why = "une prise en charge sans attendre"
    elif kind.opinion:
        shown.why = "un avis spécialisé" + (" rapide" if result.delay in ("rapide", "sous-72h")
                                            else "")
    else:
        shown.why = "un accompagnement"
    return shown


def _recourse(shown: Place) -> Place:
    shown.why = "un recours si personne ne peut vous recevoir à temps"
    return shown


def _numbers(result: Result, grid: Grid) -> list[tuple[str, str, str | None]]:
    shown = {n.dial: n for n, _ in grid.numbers if n.levels and "urgence" in n.levels}
    shown.update({n.dial: n for n in result.numbers})
    return [(n.number, n.label, None) for n in shown.values()]


def sheet_blocks(result: Result, grid: Grid, today: dt.date) -> list[Block]:
    answers = result.answers
    if answers.get("enfant_en_danger") is True or answers.get("maltraitance_suspectee") is True:
        raise GradationError(
            "Pas de fiche pour la famille quand un enfant peut être en danger : elle pourrait "
            "l'exposer. Protégez l'enfant et transmettez une information préoccupante ou un "
            "signalement (--document lettre --letter information-preoccupante).")
    if result.level == "urgence":
        return _urgent_sheet(result, grid, today)
    main = _others(grid, result.resources, result)
    alongside = _others(grid, result.alongside, result)
    first = _first_to_call(result, grid, main, alongside)
    blocks: list[Block] = [
        ("title", "Votre orientation"),
        ("p", f"Remise le {today.strftime('%d/%m/%Y')}. Votre médecin traitant reste votre "
              "interlocuteur : il reçoit les comptes rendus et vous revoit."),
    ]
    if result.delay in ("rapide", "sous-72h"):
        when = "dans les trois jours" if result.delay == "sous-72h" else "cette semaine"
        blocks.append(("banner", (f"À faire {when} : appelez le lieu marqué « à appeler en "
                                  "premier ». Si personne ne peut vous recevoir à temps, "
                                  "rappelez votre "
                                  "médecin ; si ça s'aggrave ou en cas de danger : 15.",
                                  result.delay == "sous-72h")))  # red: 72 hours only
    blocks += _where_to_go(result, grid, main, alongside, first)
    blocks += _meanwhile(result, grid)
    if result.fallback_needed:
        blocks += [("h2", f"Si personne ne peut vous recevoir {in_time(result)}"),
                   ("p", "Rappelez votre médecin ; si ça s'aggrave ou en cas de danger : 15. "
                         "Vous pouvez aussi aller à :"),
                   ("places", [_recourse(_for_patient(r, grid, result))
                               for r in result.fallback])]
    blocks += [("h2", "Si ça ne va pas, ou si ça s'aggrave"), ("numbers", _numbers(result, grid))]
    return blocks


def _where_to_go(result: Result, grid: Grid, main: list[Resource], alongside: list[Resource],
                 first: str | None) -> list[Block]:
    """« Où aller »: the team already following the patient first, the places, then the
    others the patient may contact."""
    blocks: list[Block] = [("h2", "Où aller")]
    if result.answers.get("suivi_psychiatrique") is True:
        blocks.append(("p", "Appelez d'abord votre équipe de suivi en psychiatrie : son avis et "
                            "ses rendez-vous passent en premier."))
    if main:
        blocks.append(("places", [_for_patient(r, grid, result, first=(r.id == first))
                                  for r in main]))
    else:
        blocks.append(("p", "Votre médecin vous indique à qui vous adresser."))
    if alongside:
        blocks += [("h2", "Vous pouvez aussi contacter"),
                   ("places", [_for_patient(r, grid, result, first=(r.id == first))
                               for r in alongside])]
    return blocks


def _meanwhile(result: Result, grid: Grid) -> list[Block]:
    """« En attendant le rendez-vous »: each reason's advice (in order, once), the GP, and who
    can see the patient meanwhile."""
    waiting = _others(grid, result.bridge, result)
    blocks: list[Block] = [("h2", "En attendant le rendez-vous")]
    advices = list(dict.fromkeys(r.advice for r in result.reasons if r.advice))
    if advices:
        blocks.append(("ul", advices))
    blocks.append(("p", "Continuez à voir votre médecin traitant."
                   + (" Vous pouvez aussi être reçu(e) par :" if waiting else "")))
    if waiting:
        blocks.append(("places", [_for_patient(r, grid, result) for r in waiting]))
    return blocks


def _urgent_sheet(result: Result, grid: Grid, today: dt.date) -> list[Block]:
    return [
        ("title", "Aide immédiate — pour la personne qui accompagne"),
        ("banner", ("URGENT — ne restez pas seul·e, ne laissez pas la personne seule", True)),
        ("p", f"Le {today.strftime('%d/%m/%Y')}. Appelez le 15 (SAMU) maintenant, ou allez aux "
              "urgences sans attendre. Pour une personne sourde ou malentendante : le 114 par "
              "SMS."),
        ("h2", "Où aller"),
        ("places", [_for_patient(r, grid, result, first=(i == 0))
                    for i, r in enumerate(result.resources)]),
        ("h2", "Les numéros"), ("numbers", _numbers(result, grid)),
    ]
