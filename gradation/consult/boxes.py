"""Checklists (questionary checkboxes) where going back is a key, not a box.

`←` (or `<`) leaves the checklist for the previous question; what was ticked goes with it
(`interview.Back`) and is ticked again when the checklist comes back. `a` (all) and `i`
(invert) only touch the checklist's own items: there is no « revenir » box to tick.
"""

from __future__ import annotations

from typing import Any

import questionary
from questionary import Choice

from gradation.consult.interview import Back


def back_hint(can_go_back: bool) -> str:
    keys = "Espace pour cocher, Entrée pour valider"
    return f"({keys}, ← pour revenir)" if can_go_back else f"({keys})"


def checkbox(message: str, items: list[tuple[str, str]], checked: set[str],
             can_go_back: bool, **options: Any) -> questionary.Question:
    """A checkbox over (value, label) items, those in `checked` ticked; with `can_go_back`,
    `←` and `<` leave it, returning `Back` with what was ticked."""
    choices = [Choice(label, value=value, checked=value in checked) for value, label in items]
    prompt = questionary.checkbox(message, choices=choices, **options)
    if can_go_back:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        keys = KeyBindings()

        @keys.add("left", eager=True)
        @keys.add("<", eager=True)
        def _back(event: Any) -> None:
            ticked: list[Any] = []
            for window in event.app.layout.find_all_windows():
                ticked = list(getattr(window.content, "selected_options", ticked))
            event.app.exit(result=Back(ticked))

        app = prompt.application
        app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, keys) if b])
    return prompt
