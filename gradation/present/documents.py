"""Documents in Markdown and HTML: the result, the letters, the patient sheet.

Each document is built once as a list of blocks from the result, then written as Markdown or as
printable HTML (A4, no heading alone at a page's foot, urgent banners that survive black-and-white
printing, `tel:` links, a viewport for phones). Every text from a grid, a territory or an answer
is escaped for the target format, and French typography (no-break spaces) is applied to all.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import Resource
from gradation.present.sections import result_sections
from gradation.present.typography import dial, fr
from gradation.present.waits import urgent_text, wait_with_age


def md(text: object) -> str:
    """Grid or territory text made inert in Markdown (no markup, no HTML)."""
    out = str(text)
    for ch in "\\`*_[]<>#|!&":  # « & »: no HTML entity (&rlm; would reverse a number)
        out = out.replace(ch, "\\" + ch)
    return "".join(c if c.isprintable() or c in "\n\u00a0\u202f" else "�" for c in out)


@dataclass(slots=True)
class Place:
    """A resource as a document shows it: one block, nothing run together."""

    name: str
    kind: str
    why: str | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    phone: str | None = None
    first: bool = False  # « à appeler en premier »


Block = tuple[str, Any]
# ("title", text) ("banner", (text, urgent)) ("h2", text) ("p", text) ("ul", [text])
# ("places", [Place]) ("numbers", [(number, label, note)]) ("fill", label) ("footer", text)


def motive(result: Result, res: Resource) -> str | None:
    """The reasons that called this resource, each cut to its first clause."""
    texts = {r.rule: r.text.split(" : ")[0] for r in result.reasons}
    found = [texts[rule] for rule in result.because.get(res.id, []) if rule in texts]
    return " ; ".join(dict.fromkeys(found)) or None


def place(res: Resource, grid: Grid, result: Result, first: bool = False,
          for_patient: bool = False) -> Place:
    kind = grid.kind_label(res.kind)
    if result.level != "urgence" and result.situation.is_extension(result.level, res.kind):
        kind += " (extension)"
    lines = [(label, value) for label, value in (
        ("Adresse", res.address), ("Horaires", res.hours), ("Sans rendez-vous", res.walk_in),
        ("Courriel", res.email), ("Site", res.website)) if value]
    lines.append(("Délai", wait_with_age(res, result.today)))
    if (urgent := urgent_text(res, result.today)) is not None:
        lines.append(("Place urgente", urgent))
    if res.cost:
        lines.append(("Coût", res.cost))
    if res.referral_required:
        lines.append(("À apporter", "le courrier de votre médecin" if for_patient
                      else "courrier du médecin demandé"))
    return Place(res.name, kind, motive(result, res), lines, res.phone, first)


def urgency_banner(result: Result) -> Block | None:
    if result.delay == "sans-delai":
        return ("banner", ("URGENT — prise en charge sans délai", True))
    if result.delay == "sous-72h":
        return ("banner", ("ÉVALUATION SOUS 72 H — une évaluation psychiatrique dans les trois "
                           "jours ; l'hospitalisation se décide selon elle", True))
    if result.delay == "rapide":
        return ("banner", ("AVIS RAPIDE — le patient doit être vu dans la semaine", False))
    return None


def number_rows(result: Result) -> list[tuple[str, str, str | None]]:
    return [(n.number, n.label, n.note) for n in result.numbers]


# --- The result --------------------------------------------------------------------------------


def result_blocks(result: Result, grid: Grid) -> list[Block]:
    """The result's sections (present/sections.py) as blocks."""
    sections = result_sections(result, grid)
    blocks: list[Block] = [("title", f"Orientation : {sections.title}")]
    banner = urgency_banner(result)
    if banner:
        blocks.append(banner)
    blocks += [("p", sections.situation), ("p", f"Délai : {sections.delay}"),
               ("h2", "Pourquoi"), ("ul", [f"{text} ({refs})" for text, refs in sections.reasons])]
    if result.numbers:
        blocks += [("h2", "Numéros"), ("numbers", number_rows(result))]
    for listed in sections.lists:
        blocks.append(("h2", listed.title))
        if listed.lead:
            blocks.append(("p", listed.lead))
        if listed.empty and not listed.resources:
            blocks.append(("p", listed.empty))
        blocks.append(("places", [place(r, grid, result) for r in listed.resources]))
        if listed.after:
            blocks.append(("p", listed.after))
    if sections.notes:
        blocks += [("h2", "À noter"), ("ul", [f"Attention : {n.text}" if n.warning else n.text
                                              for n in sections.notes])]
    blocks.append(("footer", sections.footer))
    return blocks


# --- Writers -----------------------------------------------------------------------------------


def _place_markdown(p: Place) -> list[str]:
    head = f"- **{md(fr(p.name))}** — {md(fr(p.kind))}"
    if p.first:
        head += " — **à appeler en premier**"
    out = [head]
    if p.why:
        out.append(f"  - Pour : {md(fr(p.why))}")
    if p.phone:
        out.append(f"  - Téléphone : {md(fr(p.phone))}")
    out += [f"  - {label} : {md(fr(value))}" for label, value in p.lines]
    return out


def _numbers_markdown(content: Any) -> list[str]:
    out = []
    for number, label, note in content:
        out.append(f"- **{md(fr(number))}** — {md(fr(label))}")
        if note:
            out.append(f"  - {md(fr(note))}")
    return out


# Each kind of block in Markdown: its lines (a blank line follows each block).
_MARKDOWN: dict[str, Callable[[Any], list[str]]] = {
    "title": lambda c: [f"# {md(fr(c))}"],
    "banner": lambda c: [f"**{md(fr(c[0]))}**"],
    "h2": lambda c: [f"## {md(fr(c))}"],
    "h3": lambda c: [f"### {md(fr(c))}"],
    "table": lambda c: [c[1]],  # (HTML, Markdown), both built and escaped by the tool
    "p": lambda c: [md(fr(c))],
    "ul": lambda c: [f"- {md(fr(item))}" for item in c],
    "places": lambda c: [line for p in c for line in _place_markdown(p)],
    "numbers": _numbers_markdown,
    "fill": lambda c: [f"*({md(c)})*", "", "…………………………………………………………………………"],
    "footer": lambda c: [f"*{md(fr(c))}*"],
}


def blocks_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for kind, content in blocks:
        if kind in _MARKDOWN and (kind != "places" or content):
            out += [*_MARKDOWN[kind](content), ""]
    return "\n".join(out)


_CSS = """@page{size:A4;margin:20mm 16mm 20mm 16mm}
body{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:11pt;line-height:1.45;
max-width:44rem;margin:1rem auto;padding:0 1rem;color:#000}
h1{font-size:1.45rem;margin:.2rem 0 .6rem}
h2{font-size:1.1rem;margin:1.2rem 0 .4rem;break-after:avoid;page-break-after:avoid}
h2+*{break-before:avoid;page-break-before:avoid}
section{break-inside:avoid-page}
.place,.number,li{break-inside:avoid;page-break-inside:avoid}
.place{border-left:3px solid #555;padding:.2rem .6rem;margin:.5rem 0}
.place .name{font-weight:bold}.place .first{font-weight:bold;text-transform:uppercase}
.place dl{margin:.2rem 0;display:grid;grid-template-columns:max-content 1fr;gap:0 .6rem}
.place dt{color:#333}.place dd{margin:0}
.banner{border:3px solid #000;padding:.5rem .8rem;font-weight:bold;font-size:1.1rem;margin:.6rem 0}
.banner.urgent{background:#b00;color:#fff;outline:3px dashed #000;outline-offset:2px}
.nowrap,a[href^="tel:"]{white-space:nowrap}
a[href^="tel:"]{color:inherit;font-weight:bold;text-decoration:none}
.fill{border:1px dashed #666;min-height:3.5rem;padding:.3rem;color:#444;break-inside:avoid}
.footer{margin-top:1.5rem;color:#444;font-size:.9rem}
@media print{body{margin:0;max-width:none;padding:0}
.banner.urgent{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"""

_PATIENT_PAGE = """@page{margin:14mm 15mm 14mm 15mm;
@top-right{content:"Patient(e) : …………………………………………";font-size:9pt}
@bottom-center{content:"page " counter(page) " / " counter(pages);font-size:9pt}}
body{font-size:10pt;line-height:1.3}
h1{font-size:1.2rem;margin:.1rem 0 .3rem}
h2{font-size:.95rem;margin:.55rem 0 .15rem}
p,ul{margin:.2rem 0}
.fill{min-height:1.9rem;padding:.15rem .3rem}
.banner{font-size:1rem;padding:.3rem .6rem;margin:.3rem 0}"""  # a letter: one A4 page


def _text_html(text: str) -> str:
    return html.escape(fr(text))


def _phone_html(phone: str) -> str:
    number = dial(phone)
    shown = _text_html(phone)
    if number:
        return f'<a href="tel:{number}">{shown}</a>'
    return f'<span class="nowrap">{shown}</span>'


def _place_html(p: Place) -> str:
    parts = [f'<div class="place"><div><span class="name">{_text_html(p.name)}</span> — '
             f"{_text_html(p.kind)}"]
    if p.first:
        parts.append(' — <span class="first">à appeler en premier</span>')
    parts.append("</div><dl>")
    if p.why:
        parts.append(f"<dt>Pour</dt><dd>{_text_html(p.why)}</dd>")
    if p.phone:
        parts.append(f"<dt>Téléphone</dt><dd>{_phone_html(p.phone)}</dd>")
    parts += [f"<dt>{_text_html(label)}</dt><dd>{_text_html(value)}</dd>"
              for label, value in p.lines]
    parts.append("</dl></div>")
    return "".join(parts)


def _banner_html(content: Any) -> str:
    text, urgent = content
    style = "banner urgent" if urgent else "banner"
    return f'<div class="{style}" role="alert">{_text_html(text)}</div>'


def _numbers_html(content: Any) -> str:
    rows = []
    for number, label, note in content:
        extra = f"<br><small>{_text_html(note)}</small>" if note else ""
        rows.append(f'<li class="number">{_phone_html(number)} — '
                    f"{_text_html(label)}{extra}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


# Each kind of block in HTML.
_HTML: dict[str, Callable[[Any], str]] = {
    "title": lambda c: f"<h1>{_text_html(c)}</h1>",
    "banner": _banner_html,
    "h2": lambda c: f"<h2>{_text_html(c)}</h2>",
    "h3": lambda c: f"<h3>{_text_html(c)}</h3>",
    "table": lambda c: str(c[0]),  # (HTML, Markdown), both built and escaped by the tool
    "page": lambda c: '<div class="page-break"></div>',
    "p": lambda c: f"<p>{_text_html(c)}</p>",
    "ul": lambda c: "<ul>" + "".join(f"<li>{_text_html(i)}</li>" for i in c) + "</ul>",
    "places": lambda c: '<div class="places">' + "".join(_place_html(p) for p in c) + "</div>",
    "numbers": _numbers_html,
    "fill": lambda c: f'<div class="fill">{_text_html(c)}</div>',
    "footer": lambda c: f'<p class="footer">{_text_html(c)}</p>',
}


def _block_html(kind: str, content: Any) -> str:
    writer = _HTML.get(kind)
    return writer(content) if writer is not None else ""


# The patient's sheet: one A4 page — smaller type, places side by side on paper and on a wide
# screen (one column on a phone).
SHEET_CSS = """@page{margin:11mm 12mm 11mm 12mm}
body{font-size:9.5pt;line-height:1.25}
h1{font-size:1.25rem;margin:0 0 .3rem}
h2{font-size:1rem;margin:.5rem 0 .2rem}
p,ul{margin:.15rem 0}
.banner{font-size:.95rem;padding:.3rem .6rem;margin:.3rem 0}
.place{margin:.2rem 0;padding:.1rem .5rem}
.place dl{margin:.1rem 0}
@media print,(min-width:40rem){.places{display:grid;grid-template-columns:1fr 1fr;
gap:0 .8rem}}"""


def blocks_html(blocks: list[Block], title: str, patient_field: bool = False,
                extra_css: str = "") -> str:
    """Printable HTML; sections keep a heading with what follows it."""
    body: list[str] = []
    section: list[str] = []
    for kind, content in blocks:
        if kind == "h2" and section:
            body.append("<section>" + "".join(section) + "</section>")
            section = []
        (section if kind != "title" else body).append(_block_html(kind, content))
    if section:
        body.append("<section>" + "".join(section) + "</section>")
    css = _CSS + ("\n" + _PATIENT_PAGE if patient_field else "") + (
        "\n" + extra_css if extra_css else "")
    return ('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
