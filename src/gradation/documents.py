"""Documents in Markdown and HTML: the result summary, the referral letter, the patient sheet."""

from __future__ import annotations

from .engine import Result
from .loader import Grid
from .schema import Resource


def md(text: object) -> str:
    """Grid or territory text made inert in Markdown (no markup, no HTML)."""
    out = str(text)
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return "".join(c if c.isprintable() or c == "\n" else "�" for c in out)


def resource_md(res: Resource, grid: Grid) -> str:
    parts = [f"- **{md(res.name)}** — {md(grid.kind_label(res.kind))}"]
    for label, value in (("Téléphone", res.phone), ("Adresse", res.address),
                         ("Horaires", res.hours), ("Sans rendez-vous", res.walk_in),
                         ("Coût", res.cost), ("Courriel", res.email)):
        if value:
            parts.append(f"  - {label} : {md(value)}")
    if res.wait_weeks is not None:
        parts.append(f"  - Délai habituel : {res.wait_weeks} semaine(s)")
    return "\n".join(parts)


def result_markdown(result: Result, grid: Grid) -> str:
    lines = [
        f"# Orientation : {md(grid.level_label(result.level))}",
        "",
        f"Situation : {md(result.situation.label)}",
        "",
        "## Pourquoi",
        *[f"- {md(r.text)} ({md(r.source)})" for r in result.reasons],
        "",
    ]
    if result.numbers:
        lines += ["## Numéros", *[f"- **{n.number}** — {md(n.label)}" for n in result.numbers], ""]
    lines.append("## Ressources")
    if not result.resources:
        kinds = ", ".join(grid.kind_label(k) for k in result.looked_for)
        lines.append(f"Aucune ressource de ce niveau ne correspond (types recherchés : {md(kinds)}).")
    lines += [resource_md(r, grid) for r in result.resources]
    if result.alongside:
        lines += ["", "## Suivi de proximité en parallèle", *[resource_md(r, grid) for r in result.alongside]]
    if result.bridge:
        lines += ["", f"## En attendant ({md(result.bridge_reason)})",
                  *[resource_md(r, grid) for r in result.bridge]]
    if result.warnings:
        lines += ["", "## À noter", *[f"- {md(w)}" for w in result.warnings]]
    territory = result.territory
    lines += ["", f"*Grille {md(grid.model.name)}, version {md(result.grid_version)}"
              + (f" · territoire {md(territory.name)}*" if territory else "*"), ""]
    return "\n".join(lines)
