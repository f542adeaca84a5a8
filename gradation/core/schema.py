"""Typed model of the grid and territory files (pydantic: types, unknown keys, JSON Schema).

These classes are both the schema that validation checks and the model that the engine reads.
Cross-references (kinds, situations, question ids in conditions) are checked by `loader`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from gradation.core.text import multi_line, one_line

Ident = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
QuestionId = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Insee = Annotated[StrictStr, Field(pattern=r"^([0-9]{2}|2[AB])[0-9]{3}$")]
# The grids' words: a label, a reason, a number is one line of visible text; a help, a note,
# a description or a vignette's story may hold line breaks, never a control character.
Text = Annotated[StrictStr, Field(min_length=1), AfterValidator(one_line)]
Paragraph = Annotated[StrictStr, Field(min_length=1), AfterValidator(multi_line)]
Line = Annotated[StrictStr, AfterValidator(one_line)]  # one line of visible text
NamedLine = Annotated[StrictStr, Field(min_length=1), AfterValidator(one_line)]
Notes = Annotated[StrictStr, AfterValidator(multi_line)]
Date = Annotated[dt.date, Field(strict=False)]
Number = Annotated[float, Field(strict=False)]
LEVELS = ("1", "2", "3", "urgence")


class _Strict(BaseModel):
    # defer_build: validators are built on first use, so that a process that reads the cache
    # of validated files (and validates nothing) does not pay for them.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


# --- Territory files ---------------------------------------------------------------------------


class Commune(_Strict):
    insee: Insee
    name: NamedLine
    # Other names a patient may give: communes déléguées or associées, arrondissements.
    aliases: list[NamedLine] = []
    postcodes: list[Annotated[StrictStr, Field(pattern=r"^[0-9]{5}$")]] = []


class Geography(_Strict):
    """The official geography a territory was built from: the questionnaire completes every
    commune of these départements and says which lie outside the territory."""

    file: Line  # the COG commune file, relative to the territory file
    departements: list[Annotated[StrictStr, Field(pattern=r"^([0-9]{2,3}|2[AB])$")]]


class TerritoryInfo(_Strict):
    id: Ident
    name: NamedLine
    maintainer: Line | None = None
    geography: Geography | None = None
    updated_on: Date | None = None
    communes: list[Commune] = []


class AgeBounds(_Strict):
    min: Annotated[StrictInt, Field(ge=0, le=120)] | None = None
    max: Annotated[StrictInt, Field(ge=0, le=120)] | None = None

    def fits(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)


ImportedField = Literal["name", "phone", "address", "lat", "lon"]
Access = Literal["rendez-vous", "sans-rendez-vous", "visite-a-domicile", "teleconsultation"]


class Resource(_Strict):
    id: Ident
    name: NamedLine
    kind: Ident
    serves: list[Insee] | None = None
    age: AgeBounds | None = None
    situations: list[Ident] | None = None
    level: Literal[1, 2, 3] | list[Literal[1, 2, 3]] | None = None
    phone: Line | None = None
    email: Line | None = None
    website: Line | None = None
    address: Line | None = None
    hours: Line | None = None
    access: list[Access] | None = None
    walk_in: Line | None = None
    referral_required: StrictBool | None = None
    cost: Line | None = None
    wait_weeks: Annotated[StrictInt, Field(ge=0, le=520)] | None = None  # ten years at most
    languages: list[Line] | None = None
    finess: Annotated[StrictStr, Field(pattern=r"^[0-9A-Z]{9}$")] | None = None
    lat: Annotated[Number, Field(ge=-90, le=90)] | None = None
    lon: Annotated[Number, Field(ge=-180, le=180)] | None = None
    verified_on: Date | None = None  # set by a person who checked the entry
    finess_updated_on: Date | None = None  # the FINESS record's date, set by an import
    # The values as last imported from FINESS: a later import updates a field only where the
    # file still holds this value (a value changed by hand is kept).
    imported: dict[ImportedField, StrictStr | Number] | None = None
    mon_soutien_psy: StrictBool | None = None
    notes: Notes | None = None

    def levels(self) -> tuple[str, ...] | None:
        """The levels this resource is placed at by hand (`level`), as level ids."""
        if self.level is None:
            return None
        listed = self.level if isinstance(self.level, list) else [self.level]
        return tuple(str(lv) for lv in listed)

    def is_fast(self) -> bool:
        """Can see a patient within a week: a walk-in reception, or a wait of a week at most."""
        return bool(self.walk_in) or (self.wait_weeks is not None and self.wait_weeks <= 1)


class TerritoryFile(_Strict):
    territory: TerritoryInfo
    resources: list[Resource] = []


# --- Grid files ---------------------------------------------------------------------------------


class Choice(_Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+$")]
    label: Text
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


Delay = Literal["programme", "rapide"]


class Rule(_Strict):
    id: Ident
    level: Literal[1, 2, 3]
    when: Text
    reason: Text
    source: Text
    calls: list[Ident] | None = None  # the kinds this reason calls for; absent: its level's
    delay: Delay = "programme"


class RedFlag(_Strict):
    id: Ident
    when: Text
    reason: Text
    source: Text
    calls: list[Ident] | None = None  # urgence kinds; absent: every urgence kind


class LevelSpec(_Strict):
    kinds: list[Ident] = []  # the kinds of the source's cell
    # Kinds the source does not put in this cell, marked so wherever they are shown; `true`
    # marks the whole cell (a cell that the source leaves empty).
    extension: StrictBool | list[Ident] = False
    alongside: StrictBool = False
    note: Notes | None = None

    def all_kinds(self) -> list[str]:
        extra = self.extension if isinstance(self.extension, list) else []
        return [*self.kinds, *(k for k in extra if k not in self.kinds)]

    def is_extension(self, kind: str) -> bool:
        if self.extension is True:
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


class CommonFile(_Strict):
    questions: list[Question]
    red_flags: list[RedFlag] = []


class LevelInfo(_Strict):
    id: Literal["1", "2", "3", "urgence"]
    # in a sentence: « niveau 3 », « urgence » (optional: grids adapted before it use the label)
    name: Text | None = None
    label: Text  # as a title: « Niveau 3 — recours renforcé »
    description: Notes | None = None


class FieldInfo(_Strict):
    id: Literal["sanitaire", "medico-social", "social"]
    label: Text


class Kind(_Strict):
    id: Ident
    label: Text
    field: Literal["sanitaire", "medico-social", "social"]
    finess: list[StrictInt] = []
    # Complements proximity care without treating (occupational medicine, medical adviser): a
    # result that calls only such kinds keeps the level-1 resources « en complément ».
    complements: StrictBool = False
    physician: StrictBool = False  # a letter says « Chère consœur, cher confrère »
    # The patient's own doctor may be one of these: never listed on the patient's sheet, never
    # the recipient of a letter at level 1 (the patient stays with the médecin traitant).
    primary_doctor: StrictBool = False
    opinion: StrictBool = False  # a letter to this kind asks for a diagnostic opinion
    professionals_only: StrictBool = False  # for doctors only: never on the patient's sheet


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
    levels: list[Literal["1", "2", "3", "urgence"]] | None = None
    when: StrictStr | None = None
    with_fallback: StrictBool = False  # shown whenever no one can see the patient in time
    note: Notes | None = None

    @property
    def dial(self) -> str:
        return self.number.replace(" ", "")


class DelayInfo(_Strict):
    id: Literal["programme", "rapide", "sans-delai"]
    label: Text
    description: Notes | None = None


class FallbackKind(_Strict):
    kind: Ident
    when: StrictStr | None = None


class ResourceWarning(_Strict):
    """A warning shown when a listed resource has a flag and a condition holds."""

    flag: Literal["mon_soutien_psy"]
    when: Text
    text: Text


class Matching(_Strict):
    """How resources answer a result (territory-format.md): the numbers of the contract."""

    bridge_weeks: Annotated[StrictInt, Field(ge=0)] = 4
    # When the delay is `rapide`, only these level-1 kinds bridge the wait.
    rapid_bridge_kinds: list[Ident] = []
    # When no one called by a `rapide` reason can see the patient within a week.
    fallback: list[FallbackKind] = []
    stale_days: Annotated[StrictInt, Field(ge=1)] = 365
    resource_warnings: list[ResourceWarning] = []


class Reasoning(_Strict):
    text: Text
    source: Text


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
