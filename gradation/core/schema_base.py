"""The building blocks of the typed files: strict models and the annotated field types.

These classes are both the schema that validation checks and the model that the engine reads.
Cross-references (kinds, situations, question ids in conditions) are checked by `loader`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
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
