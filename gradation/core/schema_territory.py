"""Typed model of the territory files (territory-format.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from gradation.core.schema_base import (
    Date,
    Ident,
    Insee,
    Line,
    NamedLine,
    Notes,
    Number,
    _Strict,
)


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


class Crip(_Strict):
    """The département's cellule de recueil des informations préoccupantes (child protection)."""

    name: NamedLine
    phone: Line | None = None
    email: Line | None = None
    address: Line | None = None


class TerritoryInfo(_Strict):
    id: Ident
    name: NamedLine
    maintainer: Line | None = None
    geography: Geography | None = None
    updated_on: Date | None = None
    # The date of the last FINESS extract merged: an older one is refused (without --force).
    finess_extract: Date | None = None
    # Entries removed by hand that FINESS merges never bring back: a FINESS number (the
    # establishment), or « number:kind » (only that entry, a proposed emergency department).
    finess_ignore: list[Annotated[StrictStr, Field(pattern=r"^[0-9A-Z]{9}(:[a-z0-9-]+)?$")]] = []
    # The date of the last HSDS package merged, and the entries removed by hand (resource ids)
    # that HSDS merges never bring back.
    hsds_merged: Date | None = None
    hsds_ignore: list[Ident] = []
    communes: list[Commune] = []
    crip: Crip | None = None  # named in the information préoccupante


class AgeBounds(_Strict):
    min: Annotated[StrictInt, Field(ge=0, le=120)] | None = None
    max: Annotated[StrictInt, Field(ge=0, le=120)] | None = None

    def fits(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)


ImportedField = Literal["name", "phone", "email", "website", "address", "hours", "lat", "lon"]
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
    # Within how many days it sees a patient that a doctor refers as urgent (a reserved slot).
    urgent_days: Annotated[StrictInt, Field(ge=0, le=366)] | None = None
    wait_as_of: Date | None = None  # when wait_weeks / urgent_days were last declared
    languages: list[Line] | None = None
    finess: Annotated[StrictStr, Field(pattern=r"^[0-9A-Z]{9}$")] | None = None
    lat: Annotated[Number, Field(ge=-90, le=90)] | None = None
    lon: Annotated[Number, Field(ge=-180, le=180)] | None = None
    verified_on: Date | None = None  # set by a person who checked the entry
    finess_updated_on: Date | None = None  # the FINESS record's date, set by an import
    # The values as last imported (FINESS, HSDS): a later merge updates a field only where the
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

    def is_fast(self, delay: str = "rapide", today: dt.date | None = None) -> bool:
        """Can see the patient in time for `delay` (territory-format.md, rule 3): for `rapide`,
        an urgent slot within 7 days or a wait of a week at most; for `sous-72h`, an urgent
        slot within 3 days. An `urgent_days` declared more than six months before `today` no
        longer counts; a `walk_in` text alone never makes a resource fast."""
        urgent = None if self.urgent_is_stale(today) else self.urgent_days
        if delay == "sous-72h":
            return urgent is not None and urgent <= 3
        if delay == "rapide":
            return (urgent is not None and urgent <= 7) or (
                self.wait_weeks is not None and self.wait_weeks <= 1)
        return False

    def wait_is_stale(self, today: dt.date | None) -> bool:
        """A `wait_weeks` whose `wait_as_of` is more than six calendar months old."""
        if self.wait_weeks is None or self.wait_as_of is None or today is None:
            return False
        return add_months(self.wait_as_of, 6) < today

    def urgent_is_stale(self, today: dt.date | None) -> bool:
        """An `urgent_days` whose `wait_as_of` is more than six calendar months old."""
        if self.urgent_days is None or self.wait_as_of is None or today is None:
            return False
        return add_months(self.wait_as_of, 6) < today


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day when it has none)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class TerritoryFile(_Strict):
    territory: TerritoryInfo
    resources: list[Resource] = []


# --- Grid files ---------------------------------------------------------------------------------
