"""The coordinator's prompts: the required fields of a new resource, asked in French."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import questionary

from gradation.consult.prompts import STYLE
from gradation.core.model import Grid


def _known_kind(labels: Mapping[str, str], text: str) -> bool | str:
    return text.strip() in labels or ("Type inconnu : tapez le début de l'identifiant puis Tab "
                                      "(ex. cmp, cmpi, psychologue).")


def ask_resource_fields(grid: Grid, missing: list[str]) -> dict[str, Any]:
    """Ask a coordinator for the required fields of a new resource."""
    out: dict[str, Any] = {}
    for key in missing:
        if key == "kind":
            # typed, completed on the id with the label beside it (a menu of 65 kinds chose
            # the wrong one when a letter was typed, and spoke English)
            labels = {k.id: k.label for k in grid.model.kinds}
            out[key] = questionary.autocomplete(
                "Type de ressource (identifiant ; Tab : compléter, la liste : gradation kinds)",
                choices=list(labels), meta_information=labels, style=STYLE, match_middle=True,
                validate=functools.partial(_known_kind, labels),
            ).unsafe_ask().strip()
        elif key == "id":
            out[key] = questionary.text(
                "Identifiant (minuscules, chiffres, tirets)", style=STYLE,
                validate=lambda t: bool(re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", t.strip()))
                or "Minuscules sans accent, chiffres et tirets (ex. cmp-exempleville).",
            ).unsafe_ask().strip()
        else:
            out[key] = questionary.text("Nom affiché", style=STYLE,
                                        validate=lambda t: bool(t.strip()) or "Nom requis."
                                        ).unsafe_ask().strip()
    return out
