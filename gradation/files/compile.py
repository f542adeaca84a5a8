"""Compiling validated grid files into the engine's model, with every cross-check located.

Pydantic has typed each file; what remains are the references between files (kinds, questions
in conditions, levels) and the safety floor. Each problem carries its file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradation.core import conditions as cond
from gradation.core.model import SAFETY_RED_FLAGS, CompiledRule, Grid, Situation, Variant
from gradation.core.schema import CommonFile, ModelFile, Question, SituationFile
from gradation.core.suggest import suggest
from gradation.errors import Problem
from gradation.files.model_conditions import ModelConditions
from gradation.files.problems import duplicates, mapping_items, position_of


@dataclass(slots=True)
class RawFile:
    """A validated file with its raw data (which carries the positions) and its display name."""

    spec: Any
    raw: Any
    name: str


class GridCompiler:
    def __init__(self, root: Path, model: RawFile, common: RawFile, situations: list[RawFile],
                 problems: list[Problem]) -> None:
        self.root = root
        self.model: ModelFile = model.spec
        self.model_file = model
        self.common: CommonFile = common.spec
        self.common_file = common
        self.situation_files = situations
        self.problems = problems
        self.kinds = [k.id for k in self.model.kinds]
        self.placed = {k for line in self.model.lines for _, k, _ in line.kinds()}
        self.common_questions = {q.id: q for q in self.common.questions}
        self.situation_ids = [item.spec.id for item in situations]
        self.all_questions: dict[str, Question] = dict(self.common_questions)
        for item in situations:
            for q in item.spec.questions:
                self.all_questions.setdefault(q.id, q)
        self.model_conditions = ModelConditions(self.model, model, self.all_questions,
                                                self.situation_ids, problems)

    # --- helpers -----------------------------------------------------------------------------

    def problem(self, name: str, where: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(name, *where, message))

    def check_kind(self, kind: str, container: Any, key: Any, name: str) -> None:
        if kind not in self.kinds:
            self.problem(name, position_of(container, key),
                         f"type « {kind} » inconnu du catalogue{suggest(kind, self.kinds)}")

    def condition(self, text: str, scope: Mapping[str, Question], container: Any, name: str,
                  what: str) -> cond.Condition | None:
        try:
            return cond.parse(text, scope)
        except cond.ConditionError as exc:
            self.problem(name, position_of(container, "when"), f"{what} : {exc.message}")
            return None

    def optional_condition(self, text: str | None, container: Any, what: str
                           ) -> cond.Condition | None:
        if not text:
            return None
        return self.condition(text, self.all_questions, container, self.model_file.name, what)

    # --- the parts of a grid -------------------------------------------------------------------

    def compile(self) -> Grid:
        self.check_catalogue()
        self.check_safety()
        common_conditions = self.questions(self.common.questions, self.common_file,
                                           self.common_questions, {})
        self.common_extras = self.question_extras(self.common.questions, self.common_file,
                                                  self.common_questions)
        red_flags = self.red_flags()
        situations: dict[str, Situation] = {}
        for item in self.situation_files:
            if item.spec.id in situations:
                self.problem(item.name, position_of(item.raw, "id"),
                             f"situation « {item.spec.id} » en double")
                continue
            situations[item.spec.id] = self.situation(item, common_conditions)
        for item in self.situation_files:
            for i, other in enumerate(item.spec.overlaps):
                if other not in situations or other == item.spec.id:
                    # a warning: a grid adapted without that situation still orients
                    self.problems.append(Problem(
                        item.name, *position_of(item.raw.get("overlaps"), i),
                        f"overlaps : situation « {other} » absente de ces grilles, ignorée"
                        f"{suggest(other, situations)}", "avertissement"))
        order = {sid: i for i, sid in enumerate(self.model.situations)}
        situations = dict(sorted(situations.items(),
                                 key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
        conditions = self.model_conditions
        grid = Grid(self.root, self.model, self.common, red_flags, situations,
                    conditions.numbers(), self.all_questions, conditions.fallback(),
                    conditions.resource_warnings())
        self.texts_conditions(grid)
        return grid

    def texts_conditions(self, grid: Grid) -> None:
        """The conditions of the level-1 reasons and of the bridge's extra kinds."""
        raw = self.model_file.raw
        for i, one in enumerate(self.model.level_one_reasons):
            if one.when:
                c = self.optional_condition(one.when, raw["level_one_reasons"][i],
                                            f"level_one_reasons[{i}].when")
                if c is not None:
                    grid.level_one_conditions[one.when] = c
        matching = raw.get("matching") or {}
        for i, extra in enumerate(self.model.matching.bridge_extra):
            if extra.unless:
                c = self.model_conditions.lenient(
                    extra.unless, self.all_questions, matching["bridge_extra"][i],
                    f"matching.bridge_extra[{i}].unless")
                if c is not None:
                    grid.bridge_conditions[extra.unless] = c

    def check_catalogue(self) -> None:
        raw, name = self.model_file.raw, self.model_file.name
        duplicates(raw, "kinds", "id", name, self.problems, "type")
        fields = {k.id: k.field for k in self.model.kinds}
        for _, line in mapping_items(raw, "lines"):
            for key in ("cells", "placed"):
                for field_id, cell in (line.get(key) or {}).items():
                    for j, kind in enumerate(cell):
                        self.check_kind(kind, cell, j, name)
                        if kind in fields and fields[kind] != field_id:
                            self.problem(name, position_of(cell, j),
                                         f"type « {kind} » du champ {fields[kind]}, placé dans "
                                         f"la colonne {field_id} (déplacez-le dans {fields[kind]})")
        for j, kind in enumerate(self.model.urgence_kinds):
            self.check_kind(kind, raw.get("urgence_kinds"), j, name)
        self.check_placed(self.model.urgence_kinds, raw, "urgence_kinds", name)
        matching = raw.get("matching") or {}
        for j, kind in enumerate(self.model.matching.rapid_bridge_kinds):
            self.check_kind(kind, matching.get("rapid_bridge_kinds"), j, name)

    def check_safety(self) -> None:
        """The questions of the built-in red flags must stay, with their type."""
        raw, name = self.common_file.raw, self.common_file.name
        duplicates(raw, "questions", "id", name, self.problems, "question")
        for qid, expected in SAFETY_RED_FLAGS:
            question = self.common_questions.get(qid)
            wanted = "boolean" if expected is True else "choice"
            if question is None or question.type != wanted or (
                    wanted == "choice" and expected not in question.choice_ids()):
                shape = "oui/non" if wanted == "boolean" else f"choix avec {expected}"
                self.problem(name, getattr(raw, "pos", (1, 1)),
                             f"la question de sécurité « {qid} » doit rester dans les questions "
                             f"communes ({shape})")
        age = self.common_questions.get("age")
        if age is None or age.type != "integer":
            self.problem(name, (1, 1), "la question « age » (entier) est requise")

    def questions(self, questions: list[Question], file: RawFile, scope: dict[str, Question],
                  prior: Mapping[str, Any]) -> dict[str, cond.Condition | None]:
        """Each question's own checks, and its `when`, which reads earlier questions only."""
        out: dict[str, cond.Condition | None] = {}
        for i, q in enumerate(questions):
            item = file.raw["questions"][i]
            if q.type == "choice" and len(q.values) < 2:
                self.problem(file.name, item.pos, f"question « {q.id} » : au moins deux valeurs")
            if q.type in ("integer", "score") and (q.min is None or q.max is None
                                                   or q.min > q.max):
                self.problem(file.name, item.pos,
                             f"question « {q.id} » : min et max requis, min ≤ max")
            out[q.id] = None
            if q.when is not None:
                earlier = {k: v for k, v in scope.items() if (k in out or k in prior)
                           and k != q.id}
                out[q.id] = self.condition(q.when, earlier, item, file.name,
                                           f"questions[{i}].when")
        return out

    def red_flags(self) -> list[CompiledRule]:
        name, urgence = self.common_file.name, self.model.urgence_kinds
        out = []
        raw_flags = self.common_file.raw.get("red_flags") or []
        for i, (flag, item) in enumerate(zip(self.common.red_flags, raw_flags, strict=False)):
            c = self.condition(flag.when, self.common_questions, item, name,
                               f"red_flags[{i}].when")
            for j, kind in enumerate(flag.calls or []):
                if kind in urgence:
                    continue
                self.check_kind(kind, item.get("calls"), j, name)
                if kind in self.kinds:
                    self.problem(name, position_of(item.get("calls"), j),
                                 f"red_flags[{i}].calls : type « {kind} » absent de "
                                 "urgence_kinds (model.yaml)")
            if c is not None:
                calls = tuple(flag.calls) if flag.calls is not None else tuple(urgence)
                variants = self.variants(flag.variants, item, self.all_questions, name,
                                         f"red_flags[{i}]")
                out.append(CompiledRule(flag.id, "urgence", c, flag.reason, flag.source, calls,
                                        "sans-delai", flag.psy, flag.advice, variants))
        return out

    def variants(self, variants: Any, item: Any, scope: Mapping[str, Question], name: str,
                 what: str) -> tuple[Variant, ...]:
        out = []
        raw = item.get("variants") or []
        for j, variant in enumerate(variants):
            c = self.condition(variant.when, scope, raw[j], name, f"{what}.variants[{j}].when")
            if c is not None:
                out.append(Variant(c, variant.reason, variant.source, variant.advice))
        return tuple(out)

    def situation(self, file: RawFile, common_conditions: dict[str, cond.Condition | None]
                  ) -> Situation:
        spec: SituationFile = file.spec
        if spec.age.min > spec.age.max:
            self.problem(file.name, position_of(file.raw, "age"), "age.min doit être ≤ age.max")
        self.levels(file)
        scope = self.situation_scope(file)
        duplicates(file.raw, "questions", "id", file.name, self.problems, "question")
        duplicates(file.raw, "rules", "id", file.name, self.problems, "règle")
        conditions = dict(common_conditions)
        conditions.update(self.questions(spec.questions, file, scope, self.common_questions))
        rules = [rule for i in range(len(spec.rules))
                 if (rule := self.rule(file, i, scope)) is not None]
        common = [q for q in self.common.questions if spec.id not in q.not_in]
        situation = Situation(spec, [*common, *spec.questions], conditions, rules)
        optional_when, variants = self.common_extras
        situation.optional_when.update(optional_when)
        situation.variants.update(variants)
        own = self.question_extras(spec.questions, file, scope)
        situation.optional_when.update(own[0])
        situation.variants.update(own[1])
        return situation

    def question_extras(self, questions: list[Question], file: RawFile,
                        scope: Mapping[str, Question]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The conditions of the questions' `optional_when` and of their wordings by answers
        (`variants`), each compiled once and located in its file."""
        optional_when: dict[str, cond.Condition] = {}
        variants: dict[str, list[tuple[cond.Condition, Any]]] = {}
        for q, raw_q in zip(questions, file.raw.get("questions") or [], strict=False):
            if q.optional_when:
                c = self.condition(q.optional_when, scope, raw_q, file.name,
                                   f"question « {q.id} ».optional_when")
                if c is not None:
                    optional_when[q.id] = c
            for j, variant in enumerate(q.variants):
                c = self.condition(variant.when, scope, (raw_q.get("variants") or [])[j],
                                   file.name, f"question « {q.id} ».variants[{j}].when")
                if c is not None:
                    variants.setdefault(q.id, []).append((c, variant))
        return optional_when, variants

    def levels(self, file: RawFile) -> None:
        spec: SituationFile = file.spec
        if 1 not in spec.levels:
            self.problem(file.name, position_of(file.raw, "levels"), "le niveau 1 est requis")
        for level, level_spec in spec.levels.items():
            raw_level = file.raw["levels"][level]
            for j, kind in enumerate(level_spec.kinds):
                self.check_kind(kind, raw_level["kinds"], j, file.name)
            if isinstance(level_spec.extension, list):
                for j, kind in enumerate(level_spec.extension):
                    self.check_kind(kind, raw_level["extension"], j, file.name)
            if not level_spec.all_kinds():
                self.problem(file.name, position_of(file.raw["levels"], level),
                             f"levels.{level} : aucun type de ressource (kinds ou extension)")
            self.check_placed(level_spec.all_kinds(), file.raw["levels"], level, file.name)

    def check_placed(self, kinds: list[str], container: Any, key: Any, name: str) -> None:
        """A warning for a kind the situations call that the model's table does not place:
        `gradation model` could not say its line."""
        for kind in kinds:
            if kind in self.kinds and kind not in self.placed:
                self.problems.append(Problem(
                    name, *position_of(container, key),
                    f"type « {kind} » absent du tableau ligne × champ : ajoutez-le aux "
                    f"« placed » d'une ligne de model.yaml", "avertissement"))

    def situation_scope(self, file: RawFile) -> dict[str, Question]:
        """The questions a situation's conditions may read; a situation's own question may not
        shadow a common one, nor differ from a question of the same id elsewhere."""
        scope = dict(self.common_questions)
        for i, q in enumerate(file.spec.questions):
            where = position_of(file.raw["questions"], i)
            if q.id in self.common_questions:
                self.problem(file.name, where,
                             f"question « {q.id} » déjà posée dans les questions communes")
            other = self.all_questions[q.id]
            if other is not q and (other.type, other.min, other.max, other.choice_ids()) != (
                    q.type, q.min, q.max, q.choice_ids()):
                self.problem(file.name, where,
                             f"question « {q.id} » définie autrement dans une autre situation")
            scope[q.id] = q
        return scope

    def rule(self, file: RawFile, i: int, scope: dict[str, Question]) -> CompiledRule | None:
        spec: SituationFile = file.spec
        rule, item = spec.rules[i], file.raw["rules"][i]
        urgent = rule.level == "urgence"
        if not urgent and rule.level not in spec.levels:
            self.problem(file.name, position_of(item, "level"),
                         f"niveau {rule.level} absent de « levels »")
        c = self.condition(rule.when, scope, item, file.name, f"rules[{i}].when")
        level_spec = spec.levels.get(rule.level) if rule.level != "urgence" else None
        cell = list(self.model.urgence_kinds) if urgent else (
            level_spec.all_kinds() if level_spec else [])
        self.rule_calls(file, i, cell, checked=urgent or level_spec is not None)
        self.rule_delay(file, i)
        variants = self.variants(rule.variants, item, scope, file.name, f"rules[{i}]")
        sooner = self.sooner(file, i, scope)
        if c is None:
            return None
        if rule.calls is not None:
            calls = tuple(rule.calls)
        else:
            calls = () if rule.level == 1 else tuple(cell)
        delay = "sans-delai" if urgent else rule.delay
        return CompiledRule(rule.id, str(rule.level), c, rule.reason, rule.source, calls,
                            delay, rule.psy, rule.advice, variants, tuple(sooner),
                            rule.meanwhile)

    def rule_calls(self, file: RawFile, i: int, cell: list[str], checked: bool) -> None:
        """Each kind a rule calls is known, and (`checked`) stands in its level's cell."""
        rule, item = file.spec.rules[i], file.raw["rules"][i]
        urgent = rule.level == "urgence"
        for j, kind in enumerate(rule.calls or []):
            self.check_kind(kind, item["calls"], j, file.name)
            if kind in self.kinds and checked and kind not in cell:
                where = "de urgence_kinds (model.yaml)" if urgent else (
                    f"du niveau {rule.level} de la situation ; ajoutez-le à "
                    f"levels.{rule.level}.extension s'il complète la source")
                self.problem(file.name, position_of(item["calls"], j),
                             f"rules[{i}].calls : type « {kind} » absent {where}")

    def rule_delay(self, file: RawFile, i: int) -> None:
        """A level-1 rule is « programme », an urgence rule « sans-delai »."""
        rule, item = file.spec.rules[i], file.raw["rules"][i]
        if rule.level == 1 and rule.delay != "programme":
            self.problem(file.name, position_of(item, "delay"),
                         f"rules[{i}].delay : une règle de niveau 1 est « programme »")
        if rule.level == "urgence" and rule.delay not in ("programme", "sans-delai"):
            self.problem(file.name, position_of(item, "delay"),
                         f"rules[{i}].delay : une règle d'urgence est « sans-delai »")

    def sooner(self, file: RawFile, i: int, scope: dict[str, Question]
               ) -> list[tuple[cond.Condition, str]]:
        """A rule's faster delays, each with its condition."""
        rule, item = file.spec.rules[i], file.raw["rules"][i]
        out = []
        for j, faster in enumerate(rule.sooner):
            cs = self.condition(faster.when, scope, (item.get("sooner") or [])[j], file.name,
                                f"rules[{i}].sooner[{j}].when")
            if cs is not None:
                out.append((cs, faster.delay))
        return out
