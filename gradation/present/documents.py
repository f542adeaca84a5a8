"""Documents in Markdown and HTML: the result summary, the referral letter, the patient sheet.

Each document is built once as a list of blocks, then written as Markdown or printable HTML;
every text from a grid, a territory or an answer is escaped for the target format.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import Resource


def md(text: object) -> str:
    """Grid or territory text made inert in Markdown (no markup, no HTML)."""
    out = str(text)
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return "".join(c if c.isprintable() or c == "\n" else "�" for c in out)


def _motive(result: Result, res: Resource) -> str | None:
    texts = {r.rule: r.text.split(" : ")[0] for r in result.reasons}
    found = [texts[rule] for rule in result.because.get(res.id, []) if rule in texts]
    return " ; ".join(dict.fromkeys(found)) or None


def resource_md(res: Resource, grid: Grid, result: Result | None = None) -> str:
    kind = grid.kind_label(res.kind)
    if result is not None and result.level != "urgence" and result.situation.is_extension(
            result.level, res.kind):
        kind += " (extension)"
    parts = [f"- **{md(res.name)}** — {md(kind)}"]
    if result is not None and (why := _motive(result, res)):
        parts.append(f"  - Pour : {md(why)}")
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
        f"Délai : {md(grid.delay_label(result.delay))}",
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
        lines.append("Aucune ressource de ce niveau ne correspond (types recherchés : "
                     f"{md(kinds)}).")
    lines += [resource_md(r, grid, result) for r in result.resources]
    if result.alongside:
        lines += ["", "## En complément",
                  *[resource_md(r, grid, result) for r in result.alongside]]
    if result.bridge:
        lines += ["", f"## En attendant ({md(result.bridge_reason)})",
                  *[resource_md(r, grid, result) for r in result.bridge]]
    if result.fallback_needed:
        lines += ["", "## Si aucun avis n'est possible dans la semaine",
                  "Appeler le 15, ou orienter vers :" if result.fallback else "Appeler le 15.",
                  *[resource_md(r, grid, result) for r in result.fallback]]
    if result.warnings:
        lines += ["", "## À noter", *[f"- {md(w)}" for w in result.warnings]]
    territory = result.territory
    lines += ["", f"*{md(grid.model.name)}, version {md(result.grid_version)}"
              + (f" · territoire {md(territory.name)}*" if territory else "*"), ""]
    return "\n".join(lines)


# --- Letter and patient sheet -------------------------------------------------------------------

Block = tuple[str, Any]  # ("h1"|"h2"|"p"|"ul"|"fill", content)


def _resource_lines(res: Resource, grid: Grid) -> str:
    parts = [f"{res.name} ({grid.kind_label(res.kind)})"]
    for label, value in (("tél.", res.phone), ("adresse", res.address), ("horaires", res.hours),
                         ("sans rendez-vous", res.walk_in)):
        if value:
            parts.append(f"{label} : {value}")
    return " — ".join(parts)


def _clinical_elements(result: Result) -> list[str]:
    from gradation.core.decision import display_answer

    items = []
    for question in result.situation.questions:
        if question.id in ("commune",) or question.id not in result.answers:
            continue
        items.append(f"{question.text} : {display_answer(question, result.answers[question.id])}")
    return items


def _request(result: Result) -> str:
    label = result.situation.label.lower()
    if result.level == "urgence":
        return (f"Pouvez-vous prendre en charge sans délai ce patient, adressé en urgence dans un "
                f"contexte de « {label} » ?")
    if result.level == "1":
        return ("Pouvez-vous accompagner ce patient, suivi en soins de proximité pour "
                f"« {label} », "
                "en lien avec son médecin traitant ?")
    return ("Pouvez-vous donner votre avis diagnostique et thérapeutique pour ce patient suivi "
            "pour "
            f"« {label} », et me dire si un suivi conjoint est souhaitable ?")


def letter_blocks(result: Result, grid: Grid, today: dt.date) -> list[Block]:
    """A referral letter draft, following the HAS 2018 guide on GP–psychiatry coordination."""
    recipient = next(iter([*result.resources, *result.alongside]), None)
    blocks: list[Block] = [
        ("h1", "Courrier d'adressage (brouillon)"),
        ("p", f"Le {today.strftime('%d/%m/%Y')}"),
    ]
    if recipient is not None:
        blocks.append(("p", "À : " + _resource_lines(recipient, grid)))
    blocks += [
        ("p", "Patient(e) : à compléter à la main (aucune identité n'est saisie ni conservée "
              "par gradation)."),
        ("p", "Chère consœur, cher confrère,"),
        ("h2", "Motif : ma question"),
        ("p", _request(result)),
        ("h2", "Éléments cliniques"),
        ("ul", _clinical_elements(result)),
        ("h2", "Ce qui motive l'orientation"),
        ("ul", [f"{r.text} ({r.source})" for r in result.reasons]),
        ("h2", "Ce que j'attends du suivi partagé"),
        ("ul", ["un avis diagnostique et une proposition thérapeutique ;",
                "les modalités d'un suivi conjoint, et qui fait quoi ;",
                "un retour d'information au médecin traitant après la consultation."]),
        ("h2", "Options thérapeutiques envisagées"),
        ("fill", "à compléter"),
        ("h2", "Traitements en cours"),
        ("fill", "à compléter"),
        ("h2", "Antécédents (psychiatriques, somatiques, addictologiques)"),
        ("fill", "à compléter"),
        ("p", "Je reste à votre disposition. Bien confraternellement,"),
        ("fill", "signature"),
        ("p", f"Orientation proposée avec gradation : {grid.model.name}, version "
              f"{result.grid_version}. Courrier à transmettre par une messagerie sécurisée de "
              "santé."),
    ]
    return blocks


def sheet_blocks(result: Result, grid: Grid, today: dt.date) -> list[Block]:
    """A sheet for the patient, in plain French: where to go, meanwhile, whom to call."""
    blocks: list[Block] = [("h1", "Votre orientation"),
                           ("p", f"Remise le {today.strftime('%d/%m/%Y')}.")]
    if result.level == "urgence":
        blocks.append(("p", "Votre situation demande une aide immédiate : appelez le 15 ou "
                            "rendez-vous aux urgences sans attendre."))
    blocks.append(("h2", "Où aller"))
    if result.resources:
        blocks.append(("ul", [_resource_lines(r, grid) for r in result.resources]))
    else:
        blocks.append(("p", "Votre médecin vous indiquera à qui vous adresser."))
    if result.alongside:
        blocks += [("h2", "Votre suivi continue aussi avec"),
                   ("ul", [_resource_lines(r, grid) for r in result.alongside])]
    blocks.append(("h2", "En attendant"))
    waiting = ["Continuez à voir votre médecin traitant : il reste votre interlocuteur."]
    waiting += [_resource_lines(r, grid) for r in result.bridge]
    blocks.append(("ul", waiting))
    numbers = {n.number: n for n, _ in grid.numbers if n.levels and "urgence" in n.levels}
    numbers.update({n.number: n for n in result.numbers})
    blocks += [
        ("h2", "Si ça ne va pas, ou si ça s'aggrave"),
        ("ul", [f"{n.number} : {n.label}" for n in numbers.values()]),
    ]
    return blocks


def blocks_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for kind, content in blocks:
        if kind == "h1":
            out += [f"# {md(content)}", ""]
        elif kind == "h2":
            out += [f"## {md(content)}", ""]
        elif kind == "p":
            out += [md(content), ""]
        elif kind == "ul":
            out += [*(f"- {md(item)}" for item in content), ""]
        elif kind == "fill":
            out += [f"*({md(content)})*", "", "…………………………………………………………………………", ""]
    return "\n".join(out)


_CSS = """body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.4rem}
.fill{border:1px dashed #888;min-height:4rem;padding:.3rem;color:#666}
@media print{body{margin:0}.fill{border-color:#000}}"""


def blocks_html(blocks: list[Block], title: str) -> str:
    e = html.escape
    body: list[str] = []
    for kind, content in blocks:
        if kind in ("h1", "h2", "p"):
            body.append(f"<{kind}>{e(str(content))}</{kind}>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in content) + "</ul>")
        elif kind == "fill":
            body.append(f'<div class="fill">{e(str(content))}</div>')
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def render_document(document: str, output_format: str, result: Result, grid: Grid,
                    today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if document == "resultat":
        text = result_markdown(result, grid)
        if output_format == "markdown":
            return text
        blocks: list[Block] = [("h1", f"Orientation : {grid.level_label(result.level)}"),
                               ("p", result.situation.label),
                               ("p", f"Délai : {grid.delay_label(result.delay)}"),
                               ("h2", "Pourquoi"),
                               ("ul", [f"{r.text} ({r.source})" for r in result.reasons])]
        if result.numbers:
            blocks += [("h2", "Numéros"),
                       ("ul", [f"{n.number} : {n.label}" + (f" — {n.note}" if n.note else "")
                               for n in result.numbers])]
        blocks += [("h2", "Ressources"),
                   ("ul", [_resource_lines(r, grid) for r in result.resources])]
        if result.alongside:
            blocks += [("h2", "En complément"),
                       ("ul", [_resource_lines(r, grid) for r in result.alongside])]
        if result.bridge:
            blocks += [("h2", f"En attendant ({result.bridge_reason})"),
                       ("ul", [_resource_lines(r, grid) for r in result.bridge])]
        if result.fallback_needed:
            blocks += [("h2", "Si aucun avis n'est possible dans la semaine"),
                       ("ul", ["Appeler le 15.",
                               *[_resource_lines(r, grid) for r in result.fallback]])]
        if result.warnings:
            blocks += [("h2", "À noter"), ("ul", result.warnings)]
        return blocks_html(blocks, "Orientation")
    blocks = (letter_blocks if document == "lettre" else sheet_blocks)(result, grid, today)
    title = "Courrier d'adressage" if document == "lettre" else "Votre orientation"
    return blocks_markdown(blocks) if output_format == "markdown" else blocks_html(blocks, title)
