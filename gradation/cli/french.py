"""Typer's and click's own words in French: section titles, « Usage », the help option, the
placeholders of option values (`<texte>`, `<entier>`, `<chemin>`), defaults and requirements.

Typer looks its words up through gettext's `_` (bound at import in `typer.core`); the vendored
click writes a few literally. Both are redirected here once, at start; a future typer that
moves them only brings English back, which the test of every `--help` then catches.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

WORDS = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "required": "obligatoire",
    "(dynamic)": "(calculé)",
    "Aborted!": "Interrompu.",
    "Missing command.": "Commande manquante.",
    "Show this message and exit.": "Afficher cette aide et quitter.",
}
PATTERNS = {
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
}
PLACEHOLDERS = {"str": "texte", "int": "entier", "float": "nombre", "bool": "oui|non",
                "path": "chemin", "file": "fichier", "directory": "dossier", "datetime": "date"}


def translate(message: str) -> str:
    return WORDS.get(message) or PATTERNS.get(message) or message


def _placeholder(label: str) -> str:
    """`<list[str]>` → `<texte…>`, `<int range>` → `<entier>`, `<path>` → `<chemin>`."""
    inner = label.strip("<>")
    listed = re.fullmatch(r"list\[(.*)\]", inner)
    if listed:
        inner = listed.group(1)
    inner = re.sub(r"\s*range$", "", inner)
    french = "|".join(PLACEHOLDERS.get(part, part) for part in inner.split("|"))
    return f"<{french}{'…' if listed else ''}>"


def number_range(low: float | None, high: float | None) -> str | None:
    """A bound of a number option, as the help shows it: « au moins 1 », not « x>=1 »."""
    if low is None and high is None:
        return None
    if high is None:
        return f"au moins {low}"
    if low is None:
        return f"au plus {high}"
    return f"de {low} à {high}"


def _help_record(original: Any) -> Any:
    """The help's « [par défaut : 10; au moins 1] » with the French « ; » (a space before)."""
    def record(self: Any, ctx: Any) -> tuple[str, str] | None:
        found = original(self, ctx)
        if found is None:
            return None
        names, text = found
        return names, re.sub(r"(\[[^\[\]]*\])$", lambda m: m[1].replace("; ", " ; "), text)

    return record


def _patch(owner: Any, name: str, make: Any) -> None:
    """Replace `owner.name` by `make(original)`, once: the replacement is marked, so that a
    second install leaves it alone."""
    original = getattr(owner, name)
    if getattr(original, "_french", False):
        return
    replacement = make(original)
    replacement._french = True
    setattr(owner, name, replacement)


def install() -> None:
    """Put the French words in place (idempotent)."""
    with contextlib.suppress(ImportError, AttributeError):
        import typer.core as core

        core._ = translate
        core.describe_number_range = number_range  # type: ignore[assignment]
        for kind in (core.TyperOption, core.TyperArgument):
            _patch(kind, "get_help_record", _help_record)
        _patch(core._TyperParameter, "display_type", lambda display_type: (
            lambda self, ctx: _placeholder(display_type(self, ctx))))
    with contextlib.suppress(ImportError, AttributeError):
        from typer._click import _textwrap

        from gradation.present.typography import tied_chunks

        # no help line starts with « : » (French ties, as on every screen)
        _patch(_textwrap.TextWrapper, "_split", lambda split: (
            lambda self, text: tied_chunks(split(self, text))))
    with contextlib.suppress(ImportError, AttributeError):
        from typer._click import formatting

        _patch(formatting.HelpFormatter, "write_usage", lambda write_usage: (
            lambda self, prog, args="", prefix=None: write_usage(
                self, prog, args, "Utilisation : " if prefix is None else prefix)))
    with contextlib.suppress(ImportError, AttributeError):
        from typer._click import decorators

        def french_option(option: Any) -> Any:
            def make(*decls: Any, **attrs: Any) -> Any:
                if attrs.get("help") in WORDS:
                    attrs["help"] = WORDS[attrs["help"]]
                return option(*decls, **attrs)

            return make

        _patch(decorators, "option", french_option)
