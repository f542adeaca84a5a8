"""For trainers: the model's tables, each situation's logic in French and as a Mermaid
flowchart, and the explanation of a result (which rules fired, what would change the level).

Pure functions that return data or text; the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gradation.core import conditions as c
from gradation.core.decision import RANK, display_answer, level_of
from gradation.core.model import SAFETY_RED_FLAGS, Grid, Situation
from gradation.core.schema import Question
from gradation.core.space import candidate_values, restrict_to_path

SAFETY = dict(SAFETY_RED_FLAGS)

OPS_FR = {"=": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def describe(cond: c.Condition, situation: Situation) -> str:
    """A condition in French, with the questions' wording."""
    if isinstance(cond, c.Compare):
        question = situation.question(cond.question)
        label = question.text.rstrip(" ?") if question else cond.question
        if question is not None and question.type == "boolean":
            positive = (cond.op == "=") == bool(cond.value)
            return f"{label} : {'oui' if positive else 'non'}"
        value = question.choice_label(cond.value) if question and question.type == "choice" else (
            cond.value)
        return f"{label} {OPS_FR[cond.op]} {value}"
    if isinstance(cond, c.Not):
        return f"non ({describe(cond.item, situation)})"
    joiner = " et " if isinstance(cond, c.All) else " ou "
    return joiner.join(
        f"({describe(i, situation)})" if isinstance(i, c.All | c.Any_) else describe(i, situation)
        for i in cond.items)


@dataclass(frozen=True, slots=True)
class RuleRow:
    level: str
    rule: str
    condition: str  # in French
    reason: str  # reason · source
    calls: str  # the kind labels it calls for, extensions marked
    delay: str  # the delay's label


def kind_labels(grid: Grid, situation: Situation, level: str, kinds: Iterable[str]) -> str:
    """Kind labels, each extension of the situation's cell marked « (extension) »."""
    return ", ".join(grid.kind_label(k) + (" (extension)" if situation.is_extension(level, k)
                                           else "") for k in kinds)


def rules_by_level(grid: Grid, situation: Situation) -> list[RuleRow]:
    """Every rule, urgence first: condition, reason and source, kinds called, delay."""
    rules = [*grid.red_flags, *sorted(situation.rules, key=lambda r: -RANK[r.level])]
    return [RuleRow(r.level, r.id, describe(r.condition, situation), f"{r.reason} · {r.source}",
                    kind_labels(grid, situation, r.level, r.calls), grid.delay_label(r.delay))
            for r in rules]


def situations_table(grid: Grid) -> list[tuple[str, list[list[tuple[str, bool]]]]]:
    """Situation label → for levels 1, 2, 3: (kind label, is an extension) for each kind."""
    out = []
    for situation in grid.situations.values():
        cells = []
        for level in (1, 2, 3):
            spec = situation.spec.levels.get(level)
            kinds = spec.all_kinds() if spec else []
            cells.append([(grid.kind_label(k), not situation.in_seed_cell(str(level), k))
                          for k in kinds])
        label = situation.label + (" — situation d'extension (absente de la table source)"
                                   if situation.is_extension_situation else "")
        out.append((label, cells))
    return out


def model_table(grid: Grid) -> list[tuple[str, str, dict[str, list[str]]]]:
    """Line label, organisations, field → kind labels; a kind the source does not name in
    that cell, placed there by the grid, ends with « * » (see PLACED_NOTE), one no situation
    calls with « ° » (NOT_CALLED_NOTE)."""
    from gradation.present.fidelity import called_kinds

    called = called_kinds(grid)
    rows = []
    for line in grid.model.lines:
        cells: dict[str, list[str]] = {f.id: [] for f in grid.model.fields}
        for field_id, kind, placed in line.kinds():
            cells.setdefault(field_id, []).append(
                grid.kind_label(kind) + (MARK if placed else "")
                + (NOT_CALLED if kind not in called else ""))
        rows.append((f"{line.name} — {line.label}" if line.name else line.label,
                     line.organisation or "", cells))
    return rows


MARK = "\u00a0*"  # a note's mark after a kind: never alone at the start of a line
NOT_CALLED = "\u00a0°"
PLACED_NOTE = ("* Placé par la grille selon sa nature : la source ne le nomme pas dans cette "
               "case.")
NOT_CALLED_NOTE = ("° Aucune situation de la grille n'appelle ce type : il a sa place dans "
                   "l'organisation des soins, hors des recours de la grille, sauf si un "
                   "territoire l'y place à la main (level, situations).")


def _mermaid_text(text: str) -> str:
    """Grid text in a Mermaid label, inert: no markup (« <script> »), no entity, no quote that
    would end the label (Mermaid's own entity codes: #lt; #gt; #amp;)."""
    return (text.replace("&", "#amp;").replace("<", "#lt;").replace(">", "#gt;")
            .replace('"', "'").replace("\n", " "))


def _edge_label(cond: c.Condition, situation: Situation, source: str) -> str:
    """A link's label: only the answer when the condition reads only the question the link
    leaves from (« oui », « ≥ Modéré »), else the whole condition."""
    if isinstance(cond, c.Compare) and cond.question == source:
        question = situation.question(source)
        text = describe(cond, situation)
        label = question.text.rstrip(" ?") if question else source
        return text.removeprefix(label).removeprefix(" : ").strip()
    return describe(cond, situation)


def _level_classes(levels: Iterable[str]) -> list[str]:
    """One colour per level, the projection's."""
    from gradation.present.projection import LEVEL_COLOURS

    return [line for lv in levels for line in (
        f"    classDef l{lv} fill:{LEVEL_COLOURS[lv]},color:#fff,stroke:#000",
        f"    class L_{lv} l{lv}")]


def _asked_if(situation: Situation, qnode: dict[str, str]) -> list[str]:
    """A dotted link « posée si … » from each question a condition reads to the question it
    asks."""
    lines = []
    asked = [(q, cond) for q in situation.questions
             if (cond := situation.conditions.get(q.id)) is not None]
    for q, cond in asked:
        for cmp in c.comparisons(cond):
            shown = _mermaid_text(_edge_label(cond, situation, cmp.question))
            lines.append(f'    {qnode[cmp.question]} -. "posée si {shown}" .-> {qnode[q.id]}')
    return lines


def mermaid(grid: Grid, situation: Situation) -> str:
    """A flowchart: questions in order, conditions as dotted links, each rule as one labelled
    link from the last question it reads (where it is decided) to its level."""
    lines = ["flowchart TD",
             '    N>"Le niveau retenu est le plus élevé dont une condition est remplie ; '
             "l'urgence l'emporte sur tout.\"]"]
    order = {q.id: i for i, q in enumerate(situation.questions)}
    qnode = {q.id: f"Q_{q.id}" for q in situation.questions}
    for q in situation.questions:
        lines.append(f'    {qnode[q.id]}["{_mermaid_text(q.text)}"]')
    levels = [str(lv) for lv in sorted(situation.spec.levels)] + ["urgence"]
    for lv in levels:
        label = grid.level_label(lv)
        kinds = kind_labels(grid, situation, lv, situation.kinds(lv, grid))
        lines.append(f'    L_{lv}(["<b>{_mermaid_text(label)}</b><br/>{_mermaid_text(kinds)}"])')
    for a, b in zip(situation.questions, situation.questions[1:], strict=False):
        lines.append(f"    {qnode[a.id]} --> {qnode[b.id]}")
    lines += _asked_if(situation, qnode)
    rules = [("urgence", f.condition) for f in grid.red_flags] + [
        (r.level, r.condition) for r in situation.rules]
    for level, cond in rules:
        read = [qid for qid in dict.fromkeys(cmp.question for cmp in c.comparisons(cond))
                if qid in qnode]
        if read:
            last = max(read, key=order.__getitem__)
            shown = _mermaid_text(_edge_label(cond, situation, last))
            lines.append(f'    {qnode[last]} -- "{shown}" --> L_{level}')
    lines.append(f'    {qnode[situation.questions[-1].id]} -- "aucune condition remplie" --> L_1')
    return "\n".join([*lines, *_level_classes(levels)]) + "\n"


def mermaid_by_level(grid: Grid, situation: Situation) -> str:
    """A compact diagram for projection, landscape: the situation on top, then one column per
    level (urgence first): the conditions that lead there in one box, under it the level and
    what it calls, in the level's colour. No label on the links: nothing to overlap."""
    lines = ['%%{init: {"flowchart": {"wrappingWidth": 330, "nodeSpacing": 30}}}%%',
             "flowchart TB", f'    S(["<b>{_mermaid_text(situation.label)}</b><br/>le niveau le '
             f'plus élevé dont une condition est remplie"])']
    levels = ["urgence", *(str(lv) for lv in sorted(situation.spec.levels, reverse=True))]
    for lv in levels:
        if lv == "urgence":
            # each red flag by the head of its question (before a parenthesis): a room reads
            # the list at a glance
            conditions = ["un drapeau rouge : " + ", ".join(
                sorted({situation.question(cmp.question).text  # type: ignore[union-attr]
                        .split(" (")[0].rstrip(" ?")
                        for f in grid.red_flags for cmp in c.comparisons(f.condition)
                        if situation.question(cmp.question) is not None}))]
            conditions += [_head(r.reason) for r in situation.rules if r.level == "urgence"]
        elif lv == "1":
            conditions = ["aucune des conditions des autres niveaux"]
        else:  # each rule by the head of its reason: the criterion, in a few words
            conditions = list(dict.fromkeys(_head(r.reason) for r in situation.rules
                                            if str(r.level) == lv))
        box = "<br/>".join(f"• {_mermaid_text(text)}" for text in conditions)
        kinds = kind_labels(grid, situation, lv, situation.kinds(lv, grid))
        lines.append(f'    C_{lv}["{box}"]')
        lines.append(f'    L_{lv}(["<b>{_mermaid_text(grid.level_label(lv))}</b><br/>'
                     f'{_mermaid_text(kinds)}"])')
        lines.append(f"    S --> C_{lv} --> L_{lv}")
    return "\n".join([*lines, *_level_classes(levels)]) + "\n"


def _head(reason: str) -> str:
    """A reason's criterion: the words before its « : »."""
    return reason.split(" : ")[0]


@dataclass(frozen=True, slots=True)
class RuleCheck:
    level: str
    rule: str
    text: str  # the condition in French
    fired: bool
    read: dict[str, str]  # question id -> answer as read


@dataclass(frozen=True, slots=True)
class Change:
    question: str
    before: str
    after: str
    level: str  # the level it would lead to


def explain(grid: Grid, situation: Situation, answers: Mapping[str, Any]
            ) -> tuple[list[RuleCheck], list[Change], list[Change]]:
    """Every rule with whether it fired and on which answers; and for each question, the
    smallest change of its answer that would raise or lower the level."""
    used = restrict_to_path(situation, answers)
    current = level_of(situation, used, grid)
    ups: list[Change] = []
    downs: list[Change] = []
    for q in situation.questions:
        if q.id in ("age", "commune") or q.id not in used:
            continue
        best = _smallest_changes(grid, situation, used, q, current)
        if "up" in best:
            ups.append(best["up"])
        if "down" in best:
            downs.append(best["down"])
    return _rule_checks(grid, situation, used), ups, downs


def _rule_checks(grid: Grid, situation: Situation, used: Mapping[str, Any]) -> list[RuleCheck]:
    checks = []
    for rule in [*grid.red_flags, *situation.rules]:
        read = {}
        for cmp in c.comparisons(rule.condition):
            q = situation.question(cmp.question)
            if q is not None:
                read[cmp.question] = display_answer(q, used.get(cmp.question))
        checks.append(RuleCheck(rule.level, rule.id, describe(rule.condition, situation),
                                rule.condition.evaluate(used) is True, read))
    return checks


def _values_around(situation: Situation, q: Question) -> list[Any]:
    """The answers worth trying: for a number, the first and last value of each class."""
    values = candidate_values(situation, q)
    if q.type in ("integer", "score"):
        values = sorted({*values, *(v - 1 for v in values if q.min is not None and v > q.min)})
    return [None, *values] if q.optional else values


def _distance(q: Question, here: Any, value: Any) -> float:
    if q.type in ("integer", "score") and isinstance(value, int) and isinstance(here, int):
        return abs(value - here)
    ids = q.choice_ids()
    if q.type == "choice" and q.ordered and value in ids and here in ids:
        return abs(ids.index(value) - ids.index(here))
    return 1


def _smallest_changes(grid: Grid, situation: Situation, used: Mapping[str, Any], q: Question,
                      current: str) -> dict[str, Change]:
    here = used[q.id]
    best: dict[str, tuple[float, Change]] = {}
    for value in _values_around(situation, q):
        if value == here:
            continue
        trial = restrict_to_path(situation, {**used, q.id: value})
        level = level_of(situation, trial, grid)
        if level == current or (level == "urgence" and q.id in SAFETY):
            continue  # every red flag leads to urgence: said once, not per question
        way = "up" if RANK[level] > RANK[current] else "down"
        change = Change(q.id, display_answer(q, here), display_answer(q, value), level)
        if way not in best or _distance(q, here, value) < best[way][0]:
            best[way] = (_distance(q, here, value), change)
    return {way: change for way, (_, change) in best.items()}


@dataclass
class Side:
    """One situation's conclusion on a shared set of answers, or why there is none."""

    situation: Situation
    level: str | None = None
    delay: str | None = None
    reasons: list[str] | None = None
    kinds: list[str] | None = None
    problem: str | None = None  # missing answers, an age outside the situation
    unused: list[str] | None = None  # answers this situation does not ask


def _called(grid: Grid, situation: Situation, result: Any) -> list[str]:
    """The kinds the result's own reasons call (the plain kinds of level 1 when no rule
    holds): what this patient is sent to, not the whole cell of the level."""
    rules = {r.id: r for r in [*grid.red_flags, *situation.rules]}
    called = [k for r in result.reasons if r.level == result.level and r.rule in rules
              for k in rules[r.rule].calls]
    if not called:
        called = (situation.plain_kinds("1", grid) if result.level == "1"
                  else situation.kinds(result.level, grid))
    return list(dict.fromkeys(called))


def compare(grid: Grid, situations: list[Situation], raw: Mapping[str, Any]) -> list[Side]:
    """The same answers under several situations: each one's level, delay, reasons and the
    kinds it calls; an answer a situation does not know is left out of it, and what it lacks
    is said instead of a conclusion."""
    from gradation.core.answers import AnswerError
    from gradation.core.settle import result_for

    sides = []
    for situation in situations:
        known = {k: v for k, v in raw.items() if situation.question(str(k)) is not None}
        side = Side(situation, unused=sorted(str(k) for k in raw if k not in known))
        try:
            result = result_for(grid, situation, known)
        except AnswerError as exc:
            side.problem = str(exc)
        else:
            side.level, side.delay = result.level, result.delay
            side.reasons = [r.text for r in result.reasons if r.level == result.level]
            side.kinds = [grid.kind_label(k) for k in _called(grid, situation, result)]
        sides.append(side)
    return sides


def citations(grid: Grid, references: list[Any]
              ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Who cites what: reference tag → the rules and red flags citing it, and each citation
    that begins with no known tag → its citers."""
    cited: dict[str, list[str]] = {ref.tag: [] for ref in references}
    unknown: dict[str, list[str]] = {}
    sources = [(f.id, f.source) for f in grid.common.red_flags]
    for situation in grid.situations.values():
        sources += [(f"{situation.id}/{r.id}", r.source) for r in situation.spec.rules]
    for citer, text in sources:
        for item in (part.strip() for part in text.split(";")):
            tag = next((ref.tag for ref in references if item.startswith(ref.tag)), None)
            if tag is None and item.endswith("extension") and "extension" in cited:
                tag = "extension"
            if tag is None:
                unknown.setdefault(item, []).append(citer)
            elif citer not in cited[tag]:
                cited[tag].append(citer)
    return cited, unknown
