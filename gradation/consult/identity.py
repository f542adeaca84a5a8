"""The GP's identity asked field by field (`gradation config praticien` in a terminal)."""

from __future__ import annotations

from typing import Any

import questionary

from gradation.consult.prompts import STYLE


def ask_fields(fields: dict[str, str], known: dict[str, Any]) -> dict[str, str]:
    """Each field asked in turn, its known value proposed."""
    return {key: questionary.text(label, default=str(known.get(key, "")), style=STYLE
                                  ).unsafe_ask() for key, label in fields.items()}
