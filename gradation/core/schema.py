"""Typed model of the grid and territory files (pydantic: types, unknown keys, JSON Schema).

These classes are both the schema that validation checks and the model that the engine reads.
Cross-references (kinds, situations, question ids in conditions) are checked by `loader`.
The territory files' classes live in `schema_territory`, the building blocks in `schema_base`;
both are named here too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from gradation.core.schema_base import LEVELS as LEVELS
from gradation.core.schema_base import Date as Date
from gradation.core.schema_base import Ident as Ident
from gradation.core.schema_base import Insee as Insee
from gradation.core.schema_base import Line as Line
from gradation.core.schema_base import NamedLine as NamedLine
from gradation.core.schema_base import Notes as Notes
from gradation.core.schema_base import Number as Number
from gradation.core.schema_base import Paragraph as Paragraph
from gradation.core.schema_base import QuestionId as QuestionId
from gradation.core.schema_base import Text as Text
from gradation.core.schema_base import _Strict as _Strict
from gradation.core.schema_territory import Access as Access
from gradation.core.schema_territory import AgeBounds as AgeBounds
from gradation.core.schema_territory import Commune as Commune
from gradation.core.schema_territory import Geography as Geography
from gradation.core.schema_territory import ImportedField as ImportedField
from gradation.core.schema_territory import Resource as Resource
from gradation.core.schema_territory import TerritoryFile as TerritoryFile
from gradation.core.schema_territory import TerritoryInfo as TerritoryInfo
from gradation.core.schema_territory import add_months as add_months


class Choice(_Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+$")]
    label: Text
    help: Notes | None = None


class QuestionVariant(_Strict):
    when: Text
    text: Text
    help: Notes | None = None


class Question(_Strict):
    id: QuestionId
    text: Text
    help: Notes | None = None
    type: Literal["boolean", "choice", "integer", "score", "commune"]
    min: StrictInt | None = None
    max: StrictInt | None = None
    values: list[Choice] = []
    ordered: StrictBool = True
    optional: StrictBool = False
    when: StrictStr | None = None
    # A positive answer is used even when the question is not asked on this path (a child of
    # the household when the patient is an adult): it adds numbers, never a level.
    honour_positive: StrictBool = False
    # Optional only when this condition holds (maltraitance_suspectee from 18).
    optional_when: StrictStr | None = None
    # Other wordings by the answers already given (by age): the first whose `when` holds.
    variants: list[QuestionVariant] = []
    # A common question left out of these situations.
    not_in: list[Ident] = []
    # The screen that asks it with others: « context » (the context checklist), « signes » (the
    # situation's yes/no signs, one checklist: nothing ticked is « non » to all).
    screen: Literal["context", "signes"] | None = None
    # What an answer says in a letter, as a sentence: keys « oui »/« non » (booleans), the
    # choice ids, or « value » with {value} (numbers). An answer without one is not written.
    says: dict[StrictStr, Text] = {}

    def statement(self, value: Any) -> str | None:
        """The sentence of `value` for a letter, or None."""
        if value is None:
            return None
        if self.type == "boolean":
            return self.says.get("oui" if value else "non")
        if self.type in ("integer", "score"):
            template = self.says.get("value")
            return template.replace("{value}", str(value)) if template else None
        return self.says.get(str(value))

    def choice_ids(self) -> list[str]:
        return [c.id for c in self.values]

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.values if c.id == value), value)


Delay = Literal["programme", "rapide", "sous-72h", "sans-delai"]
DELAYS = ("programme", "rapide", "sous-72h", "sans-delai")  # least urgent first


class RuleVariant(_Strict):
    """What a rule says for some answers (the first variant whose `when` holds)."""

    when: Text
    reason: Text | None = None
    source: Text | None = None
    advice: Text | None = None


class Sooner(_Strict):
    """A faster delay for some answers (a medium suicide risk under 18: `sous-72h`)."""

    when: Text
    delay: Delay


class Rule(_Strict):
    id: Ident
    level: Literal[1, 2, 3, "urgence"]
    when: Text
    reason: Text
    source: Text  # where the criterion comes from, or « critère de la grille »
    calls: list[Ident] | None = None  # the kinds this reason calls for; absent: its level's
    delay: Delay = "programme"
    psy: StrictBool = False  # a psychiatric reason: only psychiatric kinds answer it in time
    advice: Text | None = None  # one sentence for the patient sheet
    meanwhile: Text | None = None  # what the GP does until the appointment (the decision card)
    variants: list[RuleVariant] = []
    sooner: list[Sooner] = []


class RedFlag(_Strict):
    id: Ident
    when: Text
    reason: Text
    source: Text
    calls: list[Ident] | None = None  # urgence kinds; absent: every urgence kind
    psy: StrictBool = False
    advice: Text | None = None
    variants: list[RuleVariant] = []


class LevelSpec(_Strict):
    kinds: list[Ident] = []  # the kinds of the source's cell
    # Kinds the source does not put in this cell, marked so wherever they are shown; `true`
    # marks the whole cell (a cell that the source leaves empty).
    extension: StrictBool | list[Ident] = False
    alongside: StrictBool = False
    # Kinds listed only when a rule that holds calls them (PMI, sage-femme, CAARUD at level 1);
    # never « because it is level 1 ». They are extensions too.
    called_only: list[Ident] = []
    note: Notes | None = None

    def all_kinds(self) -> list[str]:
        extra = self.extension if isinstance(self.extension, list) else []
        extra = [*extra, *self.called_only]
        return [*self.kinds, *dict.fromkeys(k for k in extra if k not in self.kinds)]

    def plain_kinds(self) -> list[str]:
        """The kinds listed « because they are of this level »: all but the called-only."""
        return [k for k in self.all_kinds() if k not in self.called_only]

    def is_extension(self, kind: str) -> bool:
        if self.extension is True or kind in self.called_only:
            return True
        return isinstance(self.extension, list) and kind in self.extension


class AgeRange(_Strict):
    min: Annotated[StrictInt, Field(ge=0, le=120)]
    max: Annotated[StrictInt, Field(ge=0, le=120)]


class SituationFile(_Strict):
    id: Ident
    label: Text
    description: Notes | None = None
    age: AgeRange
    levels: dict[Literal[1, 2, 3], LevelSpec]
    questions: list[Question] = []
    rules: list[Rule] = []
    # Situations whose scope overlaps this one (a 20-year-old with psychotic symptoms fits
    # psychiatrie and gaja): a result names those that fit the patient's age.
    overlaps: list[Ident] = []
    # An extension situation: the seed table has no column for it (marked wherever shown).
    extension: StrictBool = False
    sources: list[Text] = []  # the references of an extension situation


class CommonFile(_Strict):
    questions: list[Question]
    red_flags: list[RedFlag] = []


class LevelInfo(_Strict):
    id: Literal["1", "2", "3", "urgence"]
    # in a sentence: « niveau 3 », « urgence » (optional: grids adapted before it use the label)
    name: Text | None = None
    label: Text  # as a title: « Niveau 3 — recours renforcé »
    description: Notes | None = None
    # the seed table's own label of this row: « 3e ligne du tableau CMG (ressources
    # territoriales) » (teaching tables show it next to the level's name)
    seed_row: Text | None = None


class FieldInfo(_Strict):
    id: Literal["sanitaire", "medico-social", "social"]
    label: Text


class Kind(_Strict):
    id: Ident
    label: Text
    field: Literal["sanitaire", "medico-social", "social"]
    finess: list[StrictInt] = []
    # FINESS categories whose establishments may hold this kind (a hospital, an emergency
    # department): an import proposes an entry of this kind beside theirs, to verify.
    finess_proposed: list[StrictInt] = []
    # Complements proximity care without treating (occupational medicine, medical adviser): a
    # result that calls only such kinds keeps the level-1 resources « en complément ».
    complements: StrictBool = False
    physician: StrictBool = False  # a letter says « Chère consœur, cher confrère »
    # The patient's own doctor may be one of these: never listed on the patient's sheet, never
    # the recipient of a letter at level 1 (the patient stays with the médecin traitant).
    primary_doctor: StrictBool = False
    opinion: StrictBool = False  # a letter to this kind asks for a diagnostic opinion
    professionals_only: StrictBool = False  # for doctors only: never on the patient's sheet
    # The patient cannot reach it alone (a referral by the doctor): on the sheet, « votre
    # médecin les contacte », never « à appeler en premier ».
    for_patient: StrictBool = True


class LineInfo(_Strict):
    line: Literal[1, 2, 3]
    name: Text | None = None  # « 1re ligne » (optional, as the levels' name)
    label: Text
    organisation: Notes | None = None
    # The kinds the source puts in each field of this line ...
    cells: dict[Literal["sanitaire", "medico-social", "social"], list[Ident]]
    # ... and those the situations call that the source does not name, placed by the grid.
    placed: dict[Literal["sanitaire", "medico-social", "social"], list[Ident]] = {}

    def kinds(self) -> list[tuple[str, str, bool]]:
        """(field, kind, placed by the grid) for every kind of this line."""
        return [(f, k, placed) for placed, table in ((False, self.cells), (True, self.placed))
                for f, kinds in table.items() for k in kinds]


class HelpNumber(_Strict):
    number: Text  # as shown ("39 89"); dialled without its spaces
    label: Text
    short: Text | None = None  # a few words, for the decision card (« prévention du suicide »)
    levels: list[Literal["1", "2", "3", "urgence"]] | None = None
    when: StrictStr | None = None
    with_fallback: StrictBool = False  # shown whenever no one can see the patient in time
    note: Notes | None = None

    @property
    def dial(self) -> str:
        return self.number.replace(" ", "")


class DelayInfo(_Strict):
    id: Delay
    label: Text
    description: Notes | None = None


class FallbackKind(_Strict):
    kind: Ident
    when: StrictStr | None = None
    psy_only: StrictBool = False  # only when a psychiatric (psy) rule is not answered


class BridgeExtra(_Strict):
    """Level-1 kinds that bridge a wait in some situations, unless a condition holds."""

    situations: list[Ident]
    kinds: list[Ident]
    unless: Text | None = None


class ResourceWarning(_Strict):
    """A warning shown when a listed resource has a flag and a condition holds."""

    flag: Literal["mon_soutien_psy"]
    when: Text
    text: Text


class Matching(_Strict):
    """How resources answer a result (territory-format.md): the numbers of the contract."""

    bridge_weeks: Annotated[StrictInt, Field(ge=0)] = 4
    # Only these level-1 kinds bridge the wait (whatever the delay) ...
    rapid_bridge_kinds: list[Ident] = []
    # ... and these in some situations.
    bridge_extra: list[BridgeExtra] = []
    # When no one called by a `rapide` or `sous-72h` reason can see the patient in time.
    fallback: list[FallbackKind] = []
    # The kinds that answer a psychiatric (psy) reason in time.
    psy_kinds: list[Ident] = []
    stale_days: Annotated[StrictInt, Field(ge=1)] = 365
    resource_warnings: list[ResourceWarning] = []


class Minors(_Strict):
    """What changes for a patient under `below` years (default-grid.md, « Minors »)."""

    below: Annotated[StrictInt, Field(ge=1, le=120)] = 18
    # Sort key (c): the kinds for young people come first.
    young_kinds: list[Ident] = []
    # `child_kind` is added just before the first of `adult_kinds` in a rule that calls one,
    # `last_kind` last (never in a `sous-72h` rule, from which it is removed).
    adult_kinds: list[Ident] = []
    child_kind: Ident | None = None
    last_kind: Ident | None = None
    # `hospital_kind` comes just before `adult_hospital` in a rule that calls it.
    hospital_kind: Ident | None = None
    adult_hospital: Ident | None = None
    # Sources written for adults: shown so for a minor.
    adult_sources: dict[StrictStr, Text] = {}


class Reasoning(_Strict):
    id: Ident = "niveau-1"
    when: Text | None = None  # shown when it holds (a `faible` suicide risk); none: the default
    text: Text
    source: Text
    advice: Text | None = None
    meanwhile: Text | None = None


class ModelFile(_Strict):
    version: Text
    name: Text
    # How a situation's level of recourse relates to the lines of the organisation (shown by
    # `gradation model`, with an example taken from the grid).
    levels_and_lines: Text | None = None
    levels: list[LevelInfo]
    fields: list[FieldInfo]
    lines: list[LineInfo]
    kinds: list[Kind]
    situations: list[Ident] = []  # the order in which situations are offered
    urgence_kinds: list[Ident] = Field(min_length=1)
    numbers: list[HelpNumber] = []
    delays: list[DelayInfo] = []
    level_one_reason: Reasoning | None = None
    # The reasons of a level-1 result: those whose `when` holds, else the one without `when`.
    level_one_reasons: list[Reasoning] = []
    # How a reason's seed cell is cited when every kind it calls stands in that cell.
    seed_cell: Text = "CMGF 2022, table des situations (d'après CMG 2019)"
    minors: Minors = Field(default_factory=Minors)
    matching: Matching = Field(default_factory=Matching)


# --- Training vignettes -------------------------------------------------------------------------


class Vignette(_Strict):
    id: Ident
    situation: Ident
    story: Paragraph
    answers: dict[StrictStr, StrictStr | StrictInt | StrictBool | None]
    level: Literal["1", "2", "3", "urgence"]
    bridge: StrictBool | None = None  # expected « en attendant » on the demo territory
    teaching: Paragraph | None = None  # the point the vignette makes, shown after the verdict
    difficulty: Literal["facile", "moyenne", "difficile"] | None = None


class VignetteFile(_Strict):
    common: dict[StrictStr, object] = {}
    vignettes: list[Vignette] = Field(min_length=1)


class SourceRef(_Strict):
    tag: Text  # how the grids' « source » fields begin
    reference: Text
    covers: Text | None = None


class SourcesFile(_Strict):
    sources: list[SourceRef] = Field(min_length=1)
