"""The domain model that the engine reads: compiled grids, situations, territories, and
the safety floor of red flags that no grid can drop."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradation.core import conditions as cond
from gradation.core.schema import (
    CommonFile,
    LevelSpec,
    ModelFile,
    Question,
    Resource,
    SituationFile,
    TerritoryFile,
)
from gradation.core.suggest import suggest
from gradation.errors import Problem

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.


SAFETY_RED_FLAGS: tuple[tuple[str, Any], ...] = (
    ("risque_suicidaire", "eleve"),
    ("tentative_recente", True),
    ("mise_en_danger", True),
    ("danger_autrui", True),
    ("agitation", True),
    ("confusion", True),
    ("intoxication_aigue", True),
    ("enfant_en_danger", True),
)

SAFETY_REASONS = {
    "risque_suicidaire": "Risque suicidaire à urgence élevée",
    "tentative_recente": "Tentative de suicide récente, pas encore évaluée à l'hôpital",
    "mise_en_danger": "Trouble psychiatrique sévère avec mise en danger ou refus de soins",
    "danger_autrui": "Danger pour autrui",
    "agitation": "Agitation sévère ou état délirant aigu",
    "confusion": "Confusion ou trouble de la vigilance",
    "intoxication_aigue": "Intoxication aiguë sévère ou surdosage",
    "enfant_en_danger": "Enfant en danger immédiat",
}



@dataclass(frozen=True, slots=True)
class Variant:
    """What a rule says for some answers: the first variant whose condition holds wins."""

    condition: cond.Condition
    reason: str | None = None
    source: str | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    level: str  # "1", "2", "3" or "urgence"
    condition: cond.Condition
    reason: str
    source: str
    calls: tuple[str, ...] = ()  # the kinds this reason calls for
    delay: str = "programme"  # "programme", "rapide", "sous-72h" or "sans-delai"
    psy: bool = False  # a psychiatric reason (default-grid.md): only psychiatric kinds answer it
    advice: str | None = None
    variants: tuple[Variant, ...] = ()
    sooner: tuple[tuple[cond.Condition, str], ...] = ()  # (condition, faster delay)
    meanwhile: str | None = None  # what the GP does until the appointment

@dataclass(slots=True)
class Situation:
    spec: SituationFile
    questions: list[Question]  # common questions first, then the situation's own
    conditions: dict[str, cond.Condition | None]  # question id -> when it is asked
    rules: list[CompiledRule]  # levels 1 (reasons that keep level 1), 2, 3 and urgence
    optional_when: dict[str, cond.Condition] = field(default_factory=dict)
    variants: dict[str, list[tuple[cond.Condition, Any]]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        return self.spec.label

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def is_extension_situation(self) -> bool:
        return self.spec.extension

    def kinds(self, level: str, grid: Grid) -> list[str]:
        """Every kind of a level's cell, extensions and called-only kinds included."""
        if level == "urgence":
            return list(grid.model.urgence_kinds)
        spec = self.level_spec(level)
        return spec.all_kinds() if spec else []

    def plain_kinds(self, level: str, grid: Grid) -> list[str]:
        """The kinds listed because they are of this level (not the called-only ones)."""
        if level == "urgence":
            return list(grid.model.urgence_kinds)
        spec = self.level_spec(level)
        return spec.plain_kinds() if spec else []

    def is_optional(self, question: Question, answers: Any) -> bool:
        """Optional, or optional for these answers (`optional_when`)."""
        if question.optional:
            return True
        condition = self.optional_when.get(question.id)
        return condition is not None and condition.evaluate(answers) is True

    def wording(self, question: Question, answers: Any) -> tuple[str, str | None]:
        """The question's text and help for these answers (its variants by age)."""
        for condition, variant in self.variants.get(question.id, []):
            if condition.evaluate(answers) is True:
                return variant.text, variant.help
        return question.text, question.help

    def level_spec(self, level: str) -> LevelSpec | None:
        """A level's cell ("1", "2" or "3"); None at urgence or for a level the situation lacks."""
        return next((spec for lv, spec in self.spec.levels.items() if str(lv) == level), None)

    def is_extension(self, level: str, kind: str) -> bool:
        if self.spec.extension:
            return True
        spec = self.level_spec(level)
        return spec is not None and spec.is_extension(kind)

    def in_seed_cell(self, level: str, kind: str) -> bool:
        """The seed table puts this kind in this level's cell of this situation."""
        if self.spec.extension or level == "urgence":
            return False
        spec = self.level_spec(level)
        return spec is not None and kind in spec.kinds and not spec.is_extension(kind)

@dataclass(slots=True)
class Grid:
    root: Path
    model: ModelFile
    common: CommonFile
    red_flags: list[CompiledRule]
    situations: dict[str, Situation]
    numbers: list[tuple[Any, cond.Condition | None]]  # (HelpNumber, condition)
    all_questions: dict[str, Question] = field(default_factory=dict)
    fallback: list[tuple[Any, cond.Condition | None]] = field(default_factory=list)
    resource_warnings: list[tuple[Any, cond.Condition]] = field(default_factory=list)
    level_one_conditions: dict[str, cond.Condition] = field(default_factory=dict)
    bridge_conditions: dict[str, cond.Condition] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.model.version

    def kind(self, kind: str) -> Any:
        """A kind of the catalogue (the grid's loader checked that every kind used exists)."""
        return next(k for k in self.model.kinds if k.id == kind)

    def kind_label(self, kind: str) -> str:
        return next((k.label for k in self.model.kinds if k.id == kind), kind)

    def complements(self, kind: str) -> bool:
        return any(k.complements for k in self.model.kinds if k.id == kind)

    def delay_label(self, delay: str) -> str:
        return next((d.label for d in self.model.delays if d.id == delay), delay)

    def level_label(self, level: str) -> str:
        return next((lv.label for lv in self.model.levels if lv.id == level), level)

    def level_seed_label(self, level: str) -> str:
        """The level as the seed table names its row: « Niveau 3 — 3e ligne du tableau CMG
        (ressources territoriales) » (its label when the grid gives no seed row)."""
        info = next((lv for lv in self.model.levels if lv.id == level), None)
        if info is None or not info.seed_row:
            return self.level_label(level)
        return f"{(info.name or info.label)[:1].upper()}{(info.name or info.label)[1:]} — " \
               f"{info.seed_row}"

    def level_name(self, level: str) -> str:
        """The level in a sentence: « niveau 3 » (its label in a grid without names)."""
        return next((lv.name or lv.label for lv in self.model.levels if lv.id == level), level)

    def line_of(self, kind: str) -> int | None:
        """The line of the organisation where the model's table puts this kind."""
        return next((line.line for line in self.model.lines
                     for _, k, _ in line.kinds() if k == kind), None)

    def line_name(self, line: int) -> str:
        return next((li.name or li.label for li in self.model.lines if li.line == line),
                    str(line))

    def situation(self, sid: str) -> Situation:
        from gradation.errors import GradationError

        found = self.situations.get(sid)
        if found is None:
            known = ", ".join(self.situations)
            raise GradationError(
                f"situation « {sid} » inconnue{suggest(sid, self.situations)} "
                f"(situations : {known})"
            )
        return found

@dataclass(slots=True)
class Territory:
    path: Path
    data: TerritoryFile
    warnings: list[Problem]

    @property
    def id(self) -> str:
        return self.data.territory.id

    @property
    def name(self) -> str:
        return self.data.territory.name

    @property
    def resources(self) -> list[Resource]:
        return self.data.resources

    def commune_name(self, insee: str) -> str | None:
        return next((c.name for c in self.data.territory.communes if c.insee == insee), None)
