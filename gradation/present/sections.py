"""The sections of a result, once: the terminal (present/terminal.py) and the documents
(present/documents.py, Markdown and HTML) render this model, so what one says the others say.

Level and delay, the banner, why, the numbers, each list of resources with its title and lead,
the notes (« Non évalué… », « Non demandé… », « Réponses ignorées… », warnings), provenance.
The JSON output gives the same content as data (present/data.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradation.core.model import Grid
from gradation.core.result import Reason, Result
from gradation.core.schema import Resource


@dataclass(frozen=True, slots=True)
class ResourceList:
    title: str
    resources: list[Resource]
    lead: str | None = None  # said before the list
    empty: str | None = None  # said when the list is empty
    after: str | None = None  # said after the list (the level's note)


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    warning: bool = False  # « Attention : » in front


@dataclass(frozen=True, slots=True)
class Sections:
    title: str
    situation: str
    delay: str
    reasons: list[tuple[str, str]]  # (text, its references)
    lists: list[ResourceList] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    footer: str = ""


def in_time(result: Result) -> str:
    """How soon the fallback's reasons wanted the patient seen: « dans la semaine », « sous
    72 h »."""
    from gradation.core.matching import IN_TIME

    return IN_TIME.get(result.fallback_delay or "rapide", IN_TIME["rapide"])


def resources_title(result: Result) -> str:
    """« Ressources », or « Ressources — pour l'enfant » when an adult's child is in immediate
    danger: the emergency is the child's, not the patient's."""
    age = result.answers.get("age")
    if (result.level == "urgence" and result.answers.get("enfant_en_danger") is True
            and isinstance(age, int) and age >= 18):
        return "Ressources — pour l'enfant"
    return "Ressources"


def fallback_title(result: Result) -> str:
    if result.answers.get("suivi_psychiatrique") is True:
        return "Si l'équipe qui le suit ne peut pas le voir à temps"
    return f"Si aucun avis n'est possible {in_time(result)}"


def resource_lists(result: Result, grid: Grid) -> list[ResourceList]:
    """The result's lists of resources, in the order a GP reads them."""
    empty = None
    if result.territory is None:
        empty = "Aucun territoire chargé."
    elif not result.resources:
        kinds = ", ".join(grid.kind_label(k) for k in result.looked_for)
        empty = ("Aucune ressource de ce niveau ne correspond à ce patient dans le territoire "
                 f"(types recherchés : {kinds}).")
    spec = result.situation.level_spec(result.level)
    after = spec.note if spec is not None and spec.note and not spec.extension else None
    lists = [ResourceList(resources_title(result), result.resources, empty=empty, after=after)]
    if result.alongside:
        lists.append(ResourceList("En complément", result.alongside))
    if result.bridge:
        lists.append(ResourceList(
            f"En attendant ({result.bridge_reason})", result.bridge,
            lead="Suivi par le médecin généraliste ou un psychologue pendant l'attente :"))
    if result.fallback_needed:
        lead = ("Appelez le 15, ou orientez vers les ressources ci-dessous : personne parmi les "
                f"ressources appelées ne reçoit {in_time(result)}.")
        if not result.fallback:
            lead = ("Appelez le 15 : personne parmi les ressources appelées ne reçoit "
                    f"{in_time(result)}, et aucune ressource d'urgence du territoire ne "
                    "correspond à ce patient.")
        lists.append(ResourceList(fallback_title(result), result.fallback, lead=lead))
    return lists


def also_note(result: Result, grid: Grid) -> str:
    """The overlapping situations this patient also fits, and how to compare them."""
    if not result.also:
        return ""
    names = " ; ".join(f"« {grid.situations[sid].label} »" for sid in result.also)
    return (f"À cet âge, la situation {names} peut aussi s'appliquer ; sa conclusion peut "
            f"différer (comparer avec les mêmes réponses : gradation compare "
            f"{result.situation.id} {' '.join(result.also)}).")


def notes(result: Result, grid: Grid) -> list[Note]:
    """« À noter »: what was not evaluated or not asked, the answers ignored, the warnings."""
    def texts(ids: list[str]) -> str:
        return ", ".join(q.text.rstrip(" ?") for q in result.situation.questions if q.id in ids)

    out = []
    if result.could_raise:
        out.append(Note("Non évalué, pourrait relever le niveau : " + texts(result.could_raise)))
    elif result.unanswered:
        out.append(Note("Non évalué : " + texts(result.unanswered)))
    if result.also:
        out.append(Note(also_note(result, grid)))
    if result.not_asked:
        out.append(Note("Non demandé (aucune réponse n'y changerait rien) : "
                        + texts(result.not_asked)))
    if result.ignored:
        out.append(Note("Réponses ignorées (questions non posées sur ce parcours) : "
                        + ", ".join(result.ignored)))
    out += [Note(w, warning=True) for w in result.warnings]
    return out


def provenance(result: Result, grid: Grid) -> str:
    text = f"{grid.model.name}, version {result.grid_version}"
    if result.territory is not None:
        text += f" · territoire « {result.territory.name} » ({result.territory.id})"
    return text


def references(reason: Reason) -> str:
    """A reason's two references: its criterion's source and the seed cell of its resources."""
    if not reason.cell:
        return reason.source
    return f"{reason.source} ; case : {reason.cell}"


def result_sections(result: Result, grid: Grid) -> Sections:
    return Sections(
        title=grid.level_label(result.level),
        situation=result.situation.label,
        delay=grid.delay_label(result.delay),
        reasons=[(r.text, references(r)) for r in result.reasons],
        lists=resource_lists(result, grid),
        notes=notes(result, grid),
        footer=provenance(result, grid),
    )
