"""The decision card: what a GP needs on screen when deciding what to do next.

Four to six lines: the level and how soon, the one action (whom to call first, with the number,
and the urgent slot or walk-in desk when that is the way in), what to do meanwhile and the
numbers to give. The terminal shows it at the top of the result and again just above « Et
maintenant ? ». Built from the result only: no terminal here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradation.core.matching import IN_TIME
from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import Resource
from gradation.present.waits import urgent_days_text


@dataclass(frozen=True, slots=True)
class Card:
    level: str  # the level id: "1", "2", "3", "urgence"
    delay: str  # the delay id
    title: str  # « Niveau 3 — recours renforcé »
    when: str  # « Avis rapide — dans la semaine »
    situation: str
    action: str  # « Appeler d'abord : … — 01 99 00 00 01 »
    way_in: list[str] = field(default_factory=list)  # the urgent slot, the walk-in desk
    meanwhile: list[str] = field(default_factory=list)  # « Revoir le patient sous 48 à 72 h »
    numbers: list[str] = field(default_factory=list)  # « 3114 prévention du suicide »


def _contact(res: Resource) -> str:
    """A name and its number, the number never cut at the end of a line."""
    if not res.phone:
        return f"{res.name} (pas de téléphone connu)"
    return f"{res.name} — {res.phone.replace(' ', NBSP)}"


NBSP = "\u00a0"


def _first_fast(result: Result) -> Resource | None:
    if result.delay not in IN_TIME:
        return result.resources[0] if result.resources else None
    fast = [r for r in result.resources if r.is_fast(result.delay, result.today)]
    return fast[0] if fast else None


def _no_place(result: Result) -> str | None:
    """The action when there is no one to call: urgence, no territory, no resource."""
    if result.level == "urgence":
        return "Appeler le 15 (SAMU), ou adresser aux urgences sans délai"
    if result.territory is None:
        return "Aucun territoire chargé : pas de ressource locale à proposer"
    if not result.resources:
        return ("Aucune ressource du territoire ne correspond à ce patient (voir les types "
                "recherchés ci-dessous)")
    return None


def _late(result: Result, way_in: list[str]) -> tuple[str, Resource | None]:
    """No one called sees the patient in time: the first fallback place, or the 15; a walk-in
    place among those called as another way in."""
    late = IN_TIME.get(result.fallback_delay or result.delay, "à temps")
    if not result.fallback:
        return f"Personne ne reçoit {late} : appeler le 15", None
    chosen = result.fallback[0]
    walk_in = next((r for r in result.resources if r.walk_in), None)
    if walk_in is not None and not chosen.walk_in:
        way_in.append(f"Ou sans rendez-vous : {walk_in.name} — {walk_in.walk_in}")
    return f"Personne ne reçoit {late} : {_contact(chosen)}", chosen


def _action(result: Result) -> tuple[str, list[str]]:
    """The one action, and how the patient gets in."""
    way_in: list[str] = []
    action = _no_place(result)
    if action is not None:
        first = result.resources[0] if result.resources else None
        if result.level == "urgence" and first is not None:
            way_in.append(f"Urgences : {_contact(first)}")
        return action, way_in
    chosen = _first_fast(result)
    if chosen is None:  # no one called sees the patient in time
        action, chosen = _late(result, way_in)
        if chosen is None:
            return action, way_in
    else:
        verb = "Appeler d'abord" if result.delay in IN_TIME else "Prendre rendez-vous"
        action = f"{verb} : {_contact(chosen)}"
    if chosen.urgent_days is not None:
        days = urgent_days_text(chosen.urgent_days)
        stale = " (déclarée il y a plus de six mois : à vérifier)"
        action += f", place urgente {days}" + (stale if chosen.urgent_is_stale(result.today)
                                                 else "")
    elif chosen.walk_in:
        way_in.insert(0, f"Sans rendez-vous : {chosen.walk_in}")
    return action, way_in


def decision_card(result: Result, grid: Grid) -> Card:
    action, way_in = _action(result)
    meanwhile = list(dict.fromkeys(r.meanwhile for r in result.reasons if r.meanwhile))
    numbers = [f"{n.number.replace(' ', NBSP)} {n.short or n.label}" for n in result.numbers]
    return Card(result.level, result.delay, grid.level_label(result.level),
                grid.delay_label(result.delay), result.situation.label, action, way_in,
                meanwhile, numbers)
