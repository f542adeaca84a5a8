"""The pure engine: questions on the path, answer checks, the decision and the resources.

No I/O and no terminal here: callers pass the grid, the territory, the answers and today's date,
and get plain data back.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .answers import AnswerError, accepted, normalise
from .conditions import comparisons, holds
from .suggest import suggest
from .loader import SAFETY_REASONS, SAFETY_RED_FLAGS, CompiledRule, Grid, Situation, Territory
from .schema import LEVELS, HelpNumber, Question, Resource

RANK = {level: i for i, level in enumerate(LEVELS)}
LEVEL_ONE_REASON = "aucun critère de recours spécialisé"
BRIDGE_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str
    source: str
    level: str


@dataclass(slots=True)
class Result:
    situation: Situation
    level: str
    reasons: list[Reason]
    answers: dict[str, Any]  # the answers of the path, as used
    resources: list[Resource] = field(default_factory=list)
    bridge: list[Resource] = field(default_factory=list)
    bridge_reason: str | None = None
    alongside: list[Resource] = field(default_factory=list)
    looked_for: list[str] = field(default_factory=list)  # kinds searched when none fits
    numbers: list[HelpNumber] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    could_raise: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    red_flag: bool = False
    grid_version: str = ""
    territory: Territory | None = None


# --- Answers and the path -----------------------------------------------------------------------


def normalise_answers(grid: Grid, situation: Situation, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check every given answer; unknown questions name the closest question id."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        key = str(key)
        question = situation.question(key) or grid.all_questions.get(key)
        if question is None:
            raise AnswerError(
                f"question « {key} » inconnue{suggest(key, grid.all_questions)} "
                f"(questions de « {situation.id} » : "
                f"{', '.join(q.id for q in situation.questions)})"
            )
        out[key] = normalise(question, value)
    return out


def is_asked(situation: Situation, question: Question, answers: Mapping[str, Any]) -> bool:
    return holds(situation.conditions.get(question.id), answers)


def path(situation: Situation, answers: Mapping[str, Any]) -> list[Question]:
    """The questions asked for these answers, in order (conditions read earlier answers only)."""
    return [q for q in situation.questions if is_asked(situation, q, answers)]


def restrict_to_path(situation: Situation, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the answers of the questions asked on this path only."""
    kept: dict[str, Any] = {}
    for q in situation.questions:
        if q.id in answers and is_asked(situation, q, kept):
            kept[q.id] = answers[q.id]
    return kept


def red_flags(grid: Grid, answers: Mapping[str, Any]) -> list[Reason]:
    """The positive red flags: the grid's, and the built-in safety floor that no grid can drop."""
    positive_flags = [flag for flag in grid.red_flags if holds(flag.condition, answers)]
    fired = [Reason(flag.id, flag.reason, flag.source, "urgence") for flag in positive_flags]
    read = {c.question for flag in positive_flags for c in comparisons(flag.condition)}
    for qid, positive in SAFETY_RED_FLAGS:
        if answers.get(qid) == positive and qid not in read:
            fired.append(Reason(f"securite-{qid.replace('_', '-')}", SAFETY_REASONS[qid],
                                "règle de sécurité intégrée à gradation", "urgence"))
    return fired


def situations_for_age(grid: Grid, age: int) -> list[Situation]:
    return [s for s in grid.situations.values() if s.spec.age.min <= age <= s.spec.age.max]


def age_refusal(grid: Grid, situation: Situation, age: int) -> AnswerError:
    rng = situation.spec.age
    others = [f"{s.id} ({s.label})" for s in situations_for_age(grid, age)]
    tail = ("situations qui couvrent cet âge : " + "; ".join(others)) if others else (
        "aucune situation ne couvre cet âge")
    return AnswerError(
        f"âge {age} ans hors de la situation « {situation.id} » ({age_text(rng.min, rng.max)}) ; "
        f"{tail}"
    )


def age_text(low: int, high: int) -> str:
    return f"{low} ans et plus" if high >= 120 else f"de {low} à {high} ans"


# --- Decision -----------------------------------------------------------------------------------


def fired_rules(situation: Situation, answers: Mapping[str, Any]) -> list[CompiledRule]:
    return [rule for rule in situation.rules if holds(rule.condition, answers)]


def level_of(situation: Situation, answers: Mapping[str, Any], grid: Grid) -> str:
    """The level only (no checks): used by analyses that explore many answer sets."""
    if red_flags(grid, answers):
        return "urgence"
    levels = [rule.level for rule in fired_rules(situation, answers)]
    return max(levels, key=RANK.__getitem__, default="1")


def decide(
    grid: Grid,
    situation: Situation,
    raw_answers: Mapping[str, Any],
    territory: Territory | None = None,
    today: dt.date | None = None,
) -> Result:
    """Check the answers, decide the level, and match the territory's resources."""
    today = today or dt.date.today()
    answers = normalise_answers(grid, situation, raw_answers)
    flags = red_flags(grid, answers)
    on_path = path(situation, answers)
    asked = {q.id for q in on_path}
    warnings: list[str] = []
    age = answers.get("age")
    rng = situation.spec.age

    if age is not None and not rng.min <= age <= rng.max:
        if not flags:
            raise age_refusal(grid, situation, age)
        warnings.append(f"L'âge ({age} ans) est hors de la situation ({age_text(rng.min, rng.max)}) ; "
                        "l'urgence prime.")
    if not flags:
        missing = [q for q in on_path if not q.optional and answers.get(q.id) is None]
        if missing:
            listed = "\n".join(f"  - {q.id} : {q.text} ({accepted(q)})" for q in missing)
            raise AnswerError(f"réponses manquantes pour « {situation.id} » :\n{listed}")

    positive_off_path = [qid for qid, v in SAFETY_RED_FLAGS if answers.get(qid) == v
                         and qid not in asked]
    for qid in positive_off_path:
        warnings.append(f"La question « {qid} » n'est pas posée sur ce parcours, mais sa réponse "
                        "positive est prise en compte (drapeau rouge).")
    # Only the answers of this path are used; the others are listed as ignored.
    used = {k: v for k, v in answers.items() if k in asked or k in positive_off_path}
    ignored = [k for k, v in answers.items() if v is not None and k not in used]

    rules = fired_rules(situation, used)
    if flags:
        level = "urgence"
    else:
        level = max((r.level for r in rules), key=RANK.__getitem__, default="1")
    reasons = list(flags) + sorted(
        (Reason(r.id, r.reason, r.source, r.level) for r in rules),
        key=lambda r: (r.level != level, -RANK[r.level]),
    )
    if level == "1":
        reasons = [Reason("niveau-1", LEVEL_ONE_REASON, "CMG 2019, modèle de gradation", "1")]

    unanswered = [q.id for q in on_path if q.optional and q.id != "commune"
                  and answers.get(q.id) is None]
    result = Result(
        situation=situation,
        level=level,
        reasons=reasons,
        answers=used,
        unanswered=unanswered,
        ignored=ignored,
        red_flag=bool(flags),
        grid_version=grid.version,
        territory=territory,
    )
    if level != "urgence":
        result.could_raise = [q for q in unanswered if _could_raise(grid, situation, used, q, level)]
    result.numbers = [n for n, c in grid.numbers
                      if (n.levels and level in n.levels) or (c is not None and holds(c, used))]
    if territory is not None:
        match_resources(result, grid, territory, today)
    risk = grid.all_questions.get("risque_suicidaire")
    if risk is not None and used.get("risque_suicidaire") not in (None, risk.choice_ids()[0]):
        warnings.append("Mon soutien psy exclut les patients à risque suicidaire : les psychologues "
                        "restent listés, mais orientez hors de ce dispositif.")
    result.warnings = warnings + result.warnings
    return result


def _could_raise(grid: Grid, situation: Situation, answers: Mapping[str, Any], qid: str,
                 level: str) -> bool:
    question = situation.question(qid)
    if question is None:
        return False
    for value in candidate_values(situation, question):
        trial = dict(answers)
        trial[qid] = value
        if RANK[level_of(situation, trial, grid)] > RANK[level]:
            return True
    return False


def candidate_values(situation: Situation, question: Question) -> list[Any]:
    """A finite set of answers that covers every class of a question's answer space."""
    if question.type == "boolean":
        return [False, True]
    if question.type == "choice":
        return question.choice_ids()
    if question.type in ("integer", "score"):
        assert question.min is not None and question.max is not None
        points = {question.min, question.max}
        conditions = [r.condition for r in situation.rules] + [
            c for c in situation.conditions.values() if c is not None]
        for c in conditions:
            for cmp in comparisons(c):
                if cmp.question == question.id and isinstance(cmp.value, int):
                    points.update({cmp.value - 1, cmp.value, cmp.value + 1})
        return sorted(p for p in points if question.min <= p <= question.max)
    return [None]


# --- Resources ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_key(res: Resource) -> tuple[Any, ...]:
    return (res.wait_weeks is None, res.wait_weeks or 0, fold(res.name), res.id)


def is_placed(res: Resource, situation: str, level: str, kinds: list[str]) -> bool:
    if res.level is not None:
        return str(res.level) == level and situation in (res.situations or [])
    return res.kind in kinds and (res.situations is None or situation in res.situations)


def fits(res: Resource, age: int | None, commune: str | None) -> bool:
    if res.age is not None and not res.age.fits(age):
        return False
    return commune is None or res.serves is None or commune in res.serves


def placed_fitting(territory: Territory, situation: Situation, level: str, grid: Grid,
                   age: int | None, commune: str | None) -> list[Resource]:
    kinds = situation.kinds(level, grid)
    found = [r for r in territory.resources
             if is_placed(r, situation.id, level, kinds) and fits(r, age, commune)]
    return sorted(found, key=sort_key)


def match_resources(result: Result, grid: Grid, territory: Territory, today: dt.date) -> None:
    situation, level = result.situation, result.level
    age, commune = result.answers.get("age"), result.answers.get("commune")
    result.resources = placed_fitting(territory, situation, level, grid, age, commune)
    if not result.resources:
        result.looked_for = situation.kinds(level, grid)
    listed = {r.id for r in result.resources}
    level_spec = situation.spec.levels.get(int(level)) if level != "urgence" else None
    if level_spec is not None and level_spec.alongside:
        result.alongside = [r for r in placed_fitting(territory, situation, "1", grid, age, commune)
                            if r.id not in listed]
        listed |= {r.id for r in result.alongside}
    if level in ("2", "3"):
        waits = [r.wait_weeks for r in result.resources if r.wait_weeks is not None]
        reason = None
        if not result.resources:
            reason = "aucune ressource de ce niveau ne correspond"
        elif waits and min(waits) > BRIDGE_WEEKS:
            reason = f"délai d'attente de {min(waits)} semaines"
        if reason:
            result.bridge = [r for r in placed_fitting(territory, situation, "1", grid, age, commune)
                             if r.id not in listed]
            result.bridge_reason = reason
    shown = [*result.resources, *result.alongside, *result.bridge]
    warnings = []
    if commune is None and any(r.serves is not None for r in shown):
        warnings.append("Secteur non vérifié : aucune commune indiquée, or certaines ressources ne "
                        "desservent qu'une partie du territoire.")
    if commune is not None and not any(c.insee == commune for c in territory.data.territory.communes):
        warnings.append(f"La commune {commune} est hors du territoire « {territory.name} » : seules "
                        "les ressources sans secteur, ou dont le secteur la comprend, sont proposées.")
    for r in shown:
        if r.verified_on is not None and (today - r.verified_on).days > 365:
            warnings.append(f"« {r.name} » : fiche non vérifiée depuis plus d'un an "
                            f"(dernière vérification le {r.verified_on.strftime('%d/%m/%Y')}).")
    result.warnings.extend(warnings)


def display_answer(question: Question, value: Any) -> str:
    """An answer as a person reads it."""
    if value is None:
        return "non précisée" if question.type == "commune" else "non évalué"
    if question.type == "boolean":
        return "oui" if value else "non"
    if question.type == "choice":
        return question.choice_label(value)
    return str(value)
