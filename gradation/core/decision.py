"""The pure engine: questions on the path, answer checks, the decision and the resources.

No I/O and no terminal here: callers pass the grid, the territory, the answers and today's date,
and get plain data back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gradation.core.answers import AnswerError, accepted, normalise
from gradation.core.conditions import Compare, comparisons, holds
from gradation.core.facts import DELAY_RANK, result_facts
from gradation.core.model import (
    SAFETY_REASONS,
    SAFETY_RED_FLAGS,
    CompiledRule,
    Grid,
    Situation,
    Territory,
)
from gradation.core.result import Assessment, Reason, Result
from gradation.core.rules import applied, cell_of, reason_of
from gradation.core.schema import LEVELS, HelpNumber, Question
from gradation.core.space import candidate_values, path
from gradation.core.suggest import suggest

RANK = {level: i for i, level in enumerate(LEVELS)}
LEVEL_ONE_REASON = "Aucun critère de recours spécialisé"  # for a grid that names none


# --- Answers and the path -----------------------------------------------------------------------


def normalise_answers(grid: Grid, situation: Situation, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check every given answer; unknown questions name the closest question id."""
    out, refused = checked_answers(grid, situation, raw)
    if refused:
        raise refused[0][1]
    return out


def checked_answers(grid: Grid, situation: Situation, raw: Mapping[str, Any]
                    ) -> tuple[dict[str, Any], list[tuple[str, AnswerError]]]:
    """The valid answers, and the refused ones with their error; an unknown question is
    refused at once (it names the closest question id)."""
    out: dict[str, Any] = {}
    refused: list[tuple[str, AnswerError]] = []
    for key, value in raw.items():
        key = str(key)
        question = situation.question(key) or grid.all_questions.get(key)
        if question is None:
            raise AnswerError(
                f"question « {key} » inconnue{suggest(key, grid.all_questions)} "
                f"(questions de « {situation.id} » : "
                f"{', '.join(q.id for q in situation.questions)})"
            )
        try:
            out[key] = normalise(question, value)
        except AnswerError as exc:
            refused.append((key, exc))
    return out, refused


def red_flags(grid: Grid, answers: Mapping[str, Any]) -> list[CompiledRule]:
    """The positive red flags: the grid's, and the built-in safety floor that no grid can drop
    (it calls every urgence kind)."""
    fired = [flag for flag in grid.red_flags if holds(flag.condition, answers)]
    read = {c.question for flag in fired for c in comparisons(flag.condition)}
    for qid, positive in SAFETY_RED_FLAGS:
        if answers.get(qid) == positive and qid not in read:
            fired.append(CompiledRule(
                f"securite-{qid.replace('_', '-')}", "urgence", Compare(qid, "=", positive),
                SAFETY_REASONS[qid], "règle de sécurité intégrée à gradation",
                tuple(grid.model.urgence_kinds), "sans-delai", psy=True))
    return fired


def situation_urgence(situation: Situation, answers: Mapping[str, Any]) -> list[CompiledRule]:
    """The situation's own urgence rules that the answers make hold (post-partum psychosis,
    an eating disorder with somatic signs)."""
    return [r for r in situation.rules if r.level == "urgence" and holds(r.condition, answers)]


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
    """The situation's rules below urgence that hold."""
    return [rule for rule in situation.rules
            if rule.level != "urgence" and holds(rule.condition, answers)]


def assess(grid: Grid, situation: Situation, answers: Mapping[str, Any],
           urgence_answers: Mapping[str, Any] | None = None) -> Assessment:
    """The level and delay of a set of answers (already restricted to the path).

    `urgence_answers`: what the situation's urgence rules read, when it differs (a
    `perinatalite` given although not asked at that age)."""
    urgent = [applied(grid, f, answers) for f in red_flags(grid, answers)]
    urgent += situation_urgence(situation, answers if urgence_answers is None
                                else urgence_answers)
    rules = [applied(grid, r, answers) for r in fired_rules(situation, answers)]
    if urgent:
        return Assessment("urgence", "sans-delai", urgent, rules)
    level = max((r.level for r in rules), key=RANK.__getitem__, default="1")
    delay = max((r.delay for r in rules), key=DELAY_RANK.__getitem__, default="programme")
    return Assessment(level, delay, urgent, rules)


def level_of(situation: Situation, answers: Mapping[str, Any], grid: Grid) -> str:
    """The level only (no checks): used by analyses that explore many answer sets."""
    return assess(grid, situation, answers).level


def _reasons(grid: Grid, situation: Situation, assessment: Assessment,
             answers: Mapping[str, Any]) -> list[Reason]:
    """At urgence, only the urgence reasons; otherwise those of the result's level first."""
    level = assessment.level
    if level == "urgence":
        return [reason_of(grid, situation, r) for r in assessment.flags]
    fired = sorted(assessment.rules, key=lambda r: (r.level != level, -RANK[r.level]))
    reasons = [reason_of(grid, situation, r) for r in fired]
    told = _level_one_told(grid, answers)
    if level == "1" or told:
        seed = cell_of(grid, situation, "1", ())
        reasons += [Reason(one.id, one.text, one.source, "1", "programme", seed, one.advice,
                           meanwhile=one.meanwhile) for one in told]
        if level == "1" and not reasons:
            reasons.append(_level_one_default(grid, seed))
    return reasons


def _level_one_told(grid: Grid, answers: Mapping[str, Any]) -> list[Any]:
    """The grid's level-1 reasons whose condition the answers make hold."""
    out = []
    for one in grid.model.level_one_reasons:
        condition = grid.level_one_conditions.get(one.when) if one.when is not None else None
        if condition is not None and holds(condition, answers):
            out.append(one)
    return out


def _level_one_default(grid: Grid, seed: str) -> Reason:
    """The reason of a level 1 that no rule gave: the grid's own wording, or ours."""
    default = next((one for one in grid.model.level_one_reasons if one.when is None),
                   grid.model.level_one_reason)
    text, source = (default.text, default.source) if default else (LEVEL_ONE_REASON, "")
    return Reason("niveau-1", text, source, "1", "programme", seed)


def _check_age(grid: Grid, situation: Situation, answers: Mapping[str, Any], urgent: bool
               ) -> list[str]:
    """Refuse an age outside the situation, unless a red flag holds."""
    age = answers.get("age")
    rng = situation.spec.age
    if age is not None and not rng.min <= age <= rng.max:
        if not urgent:
            raise age_refusal(grid, situation, age)
        return [f"L'âge ({age} ans) est hors de la situation ({age_text(rng.min, rng.max)}) ; "
                "l'urgence prime."]
    return []


def _check_missing(situation: Situation, answers: Mapping[str, Any],
                   on_path: list[Question]) -> None:
    """Name every required answer missing, those whose asking depends on a missing answer
    too (the suicide risk when the age is missing)."""
    asked = {q.id for q in on_path}
    undecided = [q for q in situation.questions if q.id not in asked
                 and (c := situation.conditions.get(q.id)) is not None
                 and c.evaluate(answers) is None]
    missing = [q for q in situation.questions if (q in on_path or q in undecided)
               and not situation.is_optional(q, answers) and answers.get(q.id) is None]
    if missing:
        listed = "\n".join(f"  - {q.id} : {situation.wording(q, answers)[0]} ({accepted(q)})"
                           for q in missing)
        raise AnswerError(f"réponses manquantes pour « {situation.id} » :\n{listed}")


def _honoured_off_path(situation: Situation, answers: Mapping[str, Any], asked: set[str]
                       ) -> list[str]:
    """Positive answers used although their question is not asked on this path: the red flags
    of the safety floor, and the questions that a grid marks `honour_positive`."""
    safety = dict(SAFETY_RED_FLAGS)
    out = []
    for qid, value in answers.items():
        if qid in asked or value is None:
            continue
        question = situation.question(qid)
        if safety.get(qid) == value or (question is not None and question.honour_positive
                                        and value is True):
            out.append(qid)
    return out


def _urgence_reading(situation: Situation, answers: Mapping[str, Any],
                     used: Mapping[str, Any]) -> dict[str, Any]:
    """What the situation's urgence rules read: the answers used, and a `perinatalite` given
    although not asked at that age (the only answer off the path they read)."""
    out = dict(used)
    if "perinatalite" in answers and situation.question("perinatalite") is not None:
        out.setdefault("perinatalite", answers["perinatalite"])
    return out


@dataclass(slots=True)
class _Reading:
    """The answers as the decision reads them."""

    answers: dict[str, Any]  # every valid answer given
    on_path: list[Question]  # the questions these answers put on the path
    used: dict[str, Any]  # the answers of the path (and the positive ones honoured off it)
    ignored: list[str]  # the answers given to questions off the path
    skipped: list[str]  # the questions left out because no answer could change the result
    reading: dict[str, Any]  # what the situation's urgence rules read
    warnings: list[str]


def _path_answers(situation: Situation, answers: Mapping[str, Any], on_path: list[Question]
                  ) -> tuple[dict[str, Any], list[str], list[str]]:
    """Only the answers of this path are used (and the positive ones honoured off it, each
    with a warning); the others are listed as ignored."""
    asked = {q.id for q in on_path}
    honoured = _honoured_off_path(situation, answers, asked)
    used = {k: v for k, v in answers.items() if k in asked or k in honoured}
    ignored = [k for k, v in answers.items() if v is not None and k not in used]
    return used, ignored, [f"La question « {qid} » n'est pas posée sur ce parcours, mais sa "
                           "réponse positive est prise en compte." for qid in honoured]


def _read(grid: Grid, situation: Situation, raw_answers: Mapping[str, Any],
          not_asked: Iterable[str]) -> _Reading:
    """Check the answers; refuse a bad or missing one, unless urgence wins."""
    answers, refused = checked_answers(grid, situation, raw_answers)
    flagged = bool(red_flags(grid, answers))
    if refused and not flagged:
        raise refused[0][1]
    warnings = [f"Réponse refusée pour « {qid} » ({exc.message}) : l'urgence prime."
                for qid, exc in refused]
    on_path = path(situation, answers)
    skipped = [q.id for q in on_path if q.id in set(not_asked) and answers.get(q.id) is None]
    warnings += _check_age(grid, situation, answers, flagged)
    used, ignored, off_path = _path_answers(situation, answers, on_path)
    warnings += off_path
    reading = _urgence_reading(situation, answers, used)
    # A situation's urgence rule is honoured as soon as the given answers make it hold.
    urgent = flagged or (answers.get("age") is not None
                         and bool(situation_urgence(situation, reading)))
    if not urgent:
        _check_missing(situation, answers, [q for q in on_path if q.id not in skipped])
    return _Reading(answers, on_path, used, ignored, skipped, reading, warnings)


def decide(
    grid: Grid,
    situation: Situation,
    raw_answers: Mapping[str, Any],
    territory: Territory | None = None,
    today: dt.date | None = None,
    not_asked: Iterable[str] = (),
) -> Result:
    """Check the answers, decide the level and delay, and match the territory's resources.

    `not_asked`: questions left out because no answer to them could change the result
    (`core.settle.result_for` proves it first); they are not « missing »."""
    from gradation.core.matching import match_resources

    today = today or dt.date.today()
    read = _read(grid, situation, raw_answers, not_asked)
    assessment = assess(grid, situation, read.used, read.reading)
    level = assessment.level
    unanswered = [] if level == "urgence" else [
        q.id for q in read.on_path if situation.is_optional(q, read.answers)
        and q.type != "commune" and read.answers.get(q.id) is None]
    result = Result(
        situation=situation,
        level=level,
        delay=assessment.delay,
        reasons=_reasons(grid, situation, assessment, read.used),
        answers=read.used,
        unanswered=unanswered,
        ignored=read.ignored,
        grid_version=grid.version,
        territory=territory,
        not_asked=read.skipped,
        also=_also(grid, situation, read.answers.get("age")),
        today=today,
    )
    if level != "urgence":
        result.could_raise = [q for q in unanswered
                              if _could_raise(grid, situation, read.used, q, level)]
    if territory is not None:
        match_resources(result, assessment, grid, territory, today)
    result.numbers = numbers_for(grid, level, read.used, result.fallback_needed,
                                 situation=situation.id, delay=result.delay)
    result.warnings = read.warnings + result.warnings
    return result


def _also(grid: Grid, situation: Situation, age: Any) -> list[str]:
    """The overlapping situations (the grid's `overlaps`) that this patient's age also fits."""
    out = []
    for other in situation.spec.overlaps:
        spec = grid.situations[other].spec.age if other in grid.situations else None
        if spec is not None and (not isinstance(age, int) or spec.min <= age <= spec.max):
            out.append(other)
    return out


def numbers_for(grid: Grid, level: str, answers: Mapping[str, Any], fallback: bool,
                situation: str = "", delay: str = "") -> list[HelpNumber]:
    """The numbers shown with a result, in the grid's order, each at most once."""
    shown: dict[str, HelpNumber] = {}
    facts = result_facts(answers, level, delay or ("sans-delai" if level == "urgence"
                                                   else "programme"), situation, fallback)
    for number, condition in grid.numbers:
        wanted = ((number.levels is not None and level in number.levels)
                  or (condition is not None and holds(condition, facts))
                  or (number.with_fallback and fallback))
        if wanted and number.dial not in shown:
            shown[number.dial] = number
    return list(shown.values())


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


def display_answer(question: Question, value: Any) -> str:
    """An answer as a person reads it."""
    if value is None:
        return "non précisée" if question.type == "commune" else "non évalué"
    if question.type == "boolean":
        return "oui" if value else "non"
    if question.type == "choice":
        return question.choice_label(value)
    return str(value)
