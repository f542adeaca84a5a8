"""The seed's lines and the grid's levels, kept apart for teaching: which line of the
organisation a kind belongs to, which kinds the seed names in a cell, which no situation calls,
and the grid's own examples of a level calling another line."""

from __future__ import annotations

from gradation.core.model import Grid, Situation


def kinds_with_lines(grid: Grid, level: str, kinds: list[str]) -> list[str]:
    """Each kind's label, with its line of the organisation when that line is not the level's
    number (« Psychiatre libéral (2e ligne de l'organisation) » at level 3)."""
    out = []
    for kind in dict.fromkeys(kinds):
        line = grid.line_of(kind)
        label = grid.kind_label(kind)
        if line is not None and level in ("1", "2", "3") and str(line) != level:
            label += f" ({grid.line_name(line)} de l'organisation)"
        out.append(label)
    return out


def called_kinds(grid: Grid) -> set[str]:
    """The kinds some situation's level or the urgence level calls."""
    called = set(grid.model.urgence_kinds)
    for situation in grid.situations.values():
        for level in ("1", "2", "3"):
            called.update(situation.kinds(level, grid))
    return called


def seed_kinds(situation: Situation, level: str) -> list[str]:
    """The kinds the seed table puts in this cell (no extension): the examples a room of GPs
    can check against the CMG table."""
    spec = situation.level_spec(level)
    return [] if spec is None else [k for k in spec.kinds
                                    if situation.in_seed_cell(level, k)]


def level_line_example(grid: Grid) -> str | None:
    """A situation whose level of recourse calls resources of another line of the
    organisation, said in one sentence (the first one in the grid's order)."""
    for situation in grid.situations.values():
        for level in ("3", "2"):
            kinds = seed_kinds(situation, level)
            lines = {k: grid.line_of(k) for k in kinds}
            if any(line is not None and str(line) != level for line in lines.values()):
                placed = ", ".join(
                    grid.kind_label(k) + (f" ({grid.line_name(line)} de l'organisation)"
                                          if line is not None else " (hors du tableau)")
                    for k, line in lines.items())
                return (f"Exemple : pour « {situation.label} », le {grid.level_name(level)} "
                        f"appelle {placed}.")
    return None


def kind_levels_example(grid: Grid) -> str | None:
    """A kind of resource that stands at different levels in different situations, said in
    one sentence (the first such kind of the catalogue)."""
    for kind in grid.model.kinds:
        where = [(situation, level) for situation in grid.situations.values()
                 for level in ("1", "2", "3") if kind.id in seed_kinds(situation, level)]
        if len({level for _, level in where}) > 1:
            return (f"Le même type, à des niveaux différents : {kind.label} est au "
                    + ", au ".join(f"{grid.level_name(level)} pour « {situation.label} »"
                                   for situation, level in where) + ".")
    return None
