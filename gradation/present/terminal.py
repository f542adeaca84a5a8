"""The result for a person in the terminal (rich). Every grid text is shown literally."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import LevelSpec, Resource
from gradation.present.sections import ResourceList, Sections, result_sections
from gradation.present.typography import TIED_WORD
from gradation.present.waits import declared_age, urgent_text, weeks_text

LEVEL_STYLES = {"1": "green", "2": "yellow", "3": "dark_orange", "urgence": "bold white on red"}
# The four delays never look alike: an emergency on red, « sous 72 h » in red letters, « avis
# rapide » in yellow, a planned appointment plain.
DELAY_STYLES = {"sans-delai": "bold white on red", "sous-72h": "bold red reverse",
                "rapide": "bold yellow", "programme": "bold"}
ACCESS_LABELS = {
    "rendez-vous": "sur rendez-vous",
    "sans-rendez-vous": "sans rendez-vous",
    "visite-a-domicile": "visites à domicile",
    "teleconsultation": "téléconsultation",
}


def plain(text: object, style: str = "") -> Text:
    """Grid and territory text, never interpreted as markup; control characters replaced."""
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\u00a0\u202f" else "�"
                      for ch in str(text))  # French no-break spaces are text
    return Text(cleaned, style=style)


def bullets(items: list[Text], mark: str = "•") -> Table:
    """An indented list whose wrapped lines stay aligned under their text."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=3, justify="right")
    table.add_column(ratio=1)
    for item in items:
        table.add_row(mark, item)
    return table


def wait_text(weeks: int | None) -> str:
    """« 3 semaines d'attente » on the screen; the documents say « Délai : 3 semaines »."""
    text = weeks_text(weeks)
    return f"{text} d'attente" if weeks else text


def motive(result: Result, res: Resource) -> str | None:
    """The reasons that called this resource, each cut to its first clause."""
    texts = {r.rule: r.text.split(" : ")[0] for r in result.reasons}
    found = [texts[rule] for rule in result.because.get(res.id, []) if rule in texts]
    return " ; ".join(dict.fromkeys(found)) or None


def is_extension(result: Result, res: Resource) -> bool:
    return result.level != "urgence" and result.situation.is_extension(result.level, res.kind)


def resource_lines(res: Resource, result: Result | None) -> list[tuple[str, str]]:
    """A resource's lines under its name, (label, value): why it is there, its contacts, its
    wait and cost."""
    today = result.today if result is not None else None
    why = motive(result, res) if result is not None else None
    access = ", ".join(ACCESS_LABELS.get(a, a) for a in res.access or [])
    lines = [("Pour : ", why), ("Tél. ", res.phone), ("", res.address),
             ("Horaires : ", res.hours), ("Sans rendez-vous : ", res.walk_in),
             ("Accès : ", access), ("Place urgente : ", urgent_text(res, today))]
    contact = " · ".join(x for x in (res.email, res.website) if x)
    return [(label, value) for label, value in [*lines, ("", _details(res, result)),
                                                 ("", contact)] if value]


def _details(res: Resource, result: Result | None) -> str:
    """« délai d'attente 6 semaines (déclaré il y a 2 mois) · 25 € · courrier du médecin »."""
    wait = wait_text(res.wait_weeks)
    if result is not None and (age := declared_age(res, result.today)) is not None:
        wait += f" ({age})"
    extra = [res.cost, "courrier du médecin demandé" if res.referral_required else None]
    return " · ".join([wait, *(x for x in extra if x)])


def resource_block(res: Resource, grid: Grid, result: Result | None = None) -> Table:
    """One resource: its name and kind, then its contacts, aligned under the name."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column(ratio=1)
    title = plain(res.name, "bold").append(f" — {grid.kind_label(res.kind)}", style="dim")
    if result is not None and is_extension(result, res):
        title.append(" (extension)", style="dim italic")
    table.add_row("▸", title)
    rows = resource_lines(res, result)
    for label, value in rows:
        table.add_row("", Text(label, style="dim").append_text(plain(value)))
    table.add_row("", "")
    return table


def render_result(result: Result, grid: Grid, console: Console) -> None:
    """The result's sections (present/sections.py): the card, why, numbers, resources, notes."""
    sections = result_sections(result, grid)
    render_card(result, grid, console)
    console.print(Text("Pourquoi", style="bold underline"))
    console.print(bullets([plain(text).append(f" ({refs})", style="dim")
                           for text, refs in sections.reasons]))
    _numbers(result, console)
    for listed in sections.lists:
        _section(console, listed, grid, result)
    _notes(sections, console)
    console.print()
    console.print(Text(sections.footer, style="dim"))


def _level_spec(result: Result) -> LevelSpec | None:
    return result.situation.level_spec(result.level)


def render_card(result: Result, grid: Grid, console: Console) -> None:
    """The decision card: level and how soon, the one action, meanwhile, the numbers."""
    from gradation.present.card import decision_card

    card = decision_card(result, grid)
    if card.level == "urgence":  # the call to action inside the box: a title is cut when narrow
        title = Text(" URGENCE ", style=LEVEL_STYLES["urgence"])
    else:
        title = Text(f" {card.title} ", style=LEVEL_STYLES.get(card.level, "bold")).append(
            f"· {card.when} ", style=DELAY_STYLES.get(card.delay, "bold"))
    head = plain(card.situation, "dim")
    spec = _level_spec(result)
    if spec is not None and spec.extension and spec.note:
        head.append("\n").append_text(plain(spec.note, "italic"))
    rows = Table.grid(padding=(0, 1))
    rows.add_column(no_wrap=True, style="bold")
    rows.add_column(ratio=1)
    rows.add_row("À faire", plain(card.action, "bold"))
    for line in card.way_in:
        rows.add_row("", plain(line))
    if card.meanwhile:
        rows.add_row("En attendant", plain(" ; ".join(card.meanwhile)))
    if card.numbers:
        rows.add_row("Numéros", plain(" · ".join(card.numbers)))
    console.print(Panel(Group(head, rows), title=title, title_align="left",
                        border_style=LEVEL_STYLES.get(card.level, "white").split()[-1]))


def print_card(result: Result, grid: Grid) -> None:
    """The decision card alone, on standard output (just above « Et maintenant ? »)."""
    render_card(result, grid, TidyConsole(highlight=False))


def _numbers(result: Result, console: Console) -> None:
    if not result.numbers:
        return
    console.print()
    console.print(Text("Numéros", style="bold underline"))
    table = Table.grid(padding=(0, 1))
    # a number is dialled whole: its column is as wide as the longest (« 0 800 235 236 »)
    width = max((len(n.number) for n in result.numbers), default=5)
    table.add_column(width=max(width, 5), justify="right", style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for number in result.numbers:
        label = plain(number.label)
        if number.note:
            label.append("\n").append_text(plain(number.note, "italic"))
        table.add_row(number.number, label)
    console.print(table)


def _section(console: Console, listed: ResourceList, grid: Grid, result: Result) -> None:
    console.print()
    console.print(Text(listed.title, style="bold underline"))
    if listed.lead:
        console.print(Padding(plain(listed.lead), (0, 0, 0, 2)))
    if listed.empty and not listed.resources:
        console.print(Padding(plain(listed.empty, "italic"), (0, 0, 0, 2)))
    for res in listed.resources:
        console.print(resource_block(res, grid, result))
    if listed.after:
        console.print(Text("  ").append_text(plain(listed.after, "italic")))


def _notes(sections: Sections, console: Console) -> None:
    notes = [Text("Attention : ", style="yellow").append_text(plain(n.text)) if n.warning
             else plain(n.text) for n in sections.notes]
    if notes:
        console.print()
        console.print(Text("À noter", style="bold underline"))
        console.print(bullets(notes))


# the blanks at the end of a line, mixed with the style codes around them (kept)
_TRAILING = re.compile(r"(?:[ \u00a0]|\x1b\[[0-9;]*m)*[ \u00a0](?:\x1b\[[0-9;]*m)*$",
                       re.MULTILINE)
_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def _french_breaks() -> None:
    """rich breaks a line at a space, except the no-break ones and those French typography
    ties (typography.TIED_WORD); the text keeps its plain spaces, so a pasted result stays
    plain. rich reads the pattern at each wrap."""
    from rich import _wrap

    _wrap.re_word = TIED_WORD


class TidyConsole(Console):
    """A console whose lines never end in spaces (they would land in the medical record when a
    result is pasted) and never break where French typography ties words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _french_breaks()
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Any) -> str:
        return _TRAILING.sub(lambda m: "".join(_STYLE.findall(m.group())),
                             super()._render_buffer(buffer))


def console(**options: Any) -> TidyConsole:
    """The console of a command: the terminal's width, or, when the output is a pipe or a
    file, wide enough for what is printed (no table squeezed into 80 columns)."""
    stream = options.get("file") or sys.stdout
    if ("width" not in options and not getattr(stream, "isatty", lambda: False)()
            and not os.environ.get("COLUMNS")):
        options["width"] = 200
    return TidyConsole(highlight=False, **options)


def fit_words(table: Table, columns: list[list[str]], target: Console) -> bool:
    """Say whether the table, bordered, holds in the console's width with each column at least
    as wide as its longest word (else the caller prints it as blocks); if so, size the columns
    so: the room left over goes to the columns in proportion to what their longest lines lack
    (rich alone may shrink a column below its longest word and push the border off screen)."""
    columns = [[str(col.header), *texts] for col, texts in zip(table.columns, columns,
                                                                strict=True)]
    widest = [max((len(word.strip()) for text in column for word in TIED_WORD.findall(text)),
                  default=1) for column in columns]
    longest = [max((len(line) for text in column for line in text.splitlines()), default=1)
               for column in columns]
    room = target.width - 3 * len(columns) - 1  # a space each side and a border per column
    if sum(widest) > room:
        return False
    if sum(longest) > room:
        wants = [max(long - wide, 0) for long, wide in zip(longest, widest, strict=True)]
        spare, total = room - sum(widest), sum(wants)
        for column, wide, want in zip(table.columns, widest, wants, strict=True):
            column.width = wide + spare * want // total
    for column, width in zip(table.columns, widest, strict=True):
        column.min_width = width
        column.overflow = "fold"
    return True


def print_result(result: Result, grid: Grid, explanation: Any = None) -> None:
    """The result on the terminal (colours when it is one)."""
    console = TidyConsole(highlight=False)
    render_result(result, grid, console)
    if explanation is not None:
        render_explanation(explanation, result, console, grid)


def result_text(result: Result, grid: Grid, explanation: Any = None) -> str:
    """The result as plain text (for --output)."""
    from io import StringIO

    buffer = StringIO()
    console = TidyConsole(file=buffer, width=100, no_color=True, color_system=None,
                          highlight=False)
    render_result(result, grid, console)
    if explanation is not None:
        render_explanation(explanation, result, console, grid)
    return buffer.getvalue()


def render_explanation(explanation: Any, result: Result, console: Console,
                       grid: Grid) -> None:
    """Every rule (applied or not, on which answers), why not the level above, and what
    would change the level (present.explanation: the same sentences in every format)."""
    from gradation.present.explanation import explained

    said = explained(grid, result, explanation)
    console.print()
    console.print(Text("Règles de la situation", style="bold underline"))
    console.print(bullets([plain(line) for line in said.rules]))
    if said.why_not_above:
        console.print(bullets([plain(said.why_not_above, "bold")]))
    console.print(Text("Ce qui changerait le niveau", style="bold underline"))
    console.print(bullets([plain(line) for line in said.changes]))
