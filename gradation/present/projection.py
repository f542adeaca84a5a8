"""Trainer's pages for a projector or a printer: `model`, `situations` and `show` in HTML, in
large type, one colour per level. Built from the same rows as the terminal tables and the
same Markdown as `show`, so the three formats say the same thing."""

from __future__ import annotations

import html
import re
from typing import Any

LEVEL_COLOURS = {"1": "#1b7f3b", "2": "#1f5fa8", "3": "#7a3fa0", "urgence": "#c00000"}

_CSS = """@page{size:A4 landscape;margin:12mm}
body{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:18pt;line-height:1.35;
margin:1rem auto;max-width:75rem;padding:0 1rem;color:#000}
h1{font-size:1.6em;margin:.2em 0 .5em}h2{font-size:1.25em;margin:1em 0 .3em}
h3{font-size:1.05em;margin:.8em 0 .2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.3em .5em;
vertical-align:top;text-align:left}tr{break-inside:avoid;page-break-inside:avoid}
code{font-size:.8em;color:#444}
""" + "\n".join(  # each level's colour: a bar beside its heading or cell, over its column
    f"td.l{lv},h3.l{lv}{{border-left:.5em solid {colour}}}th.l{lv}{{border-top:.5em solid "
    f"{colour}}}" for lv, colour in LEVEL_COLOURS.items())


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", out)


def page(title: str, body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def _level_class(level: str | None) -> str:
    return f' class="l{level}"' if level else ""


def table(header: list[str], rows: list[tuple[str | None, list[str]]],
          columns: list[str | None] | None = None) -> str:
    """A table; each row may carry a level (its first cell coloured), and so may each column
    (`columns`: a level per header, its heading coloured)."""
    levels = columns or [None] * len(header)
    head = "".join(f"<th{_level_class(lv)}>{_inline(h)}</th>"
                   for h, lv in zip(header, levels, strict=True))
    body = []
    for level, cells in rows:
        first = _level_class(level)
        body.append("<tr>" + "".join(
            f"<td{first if i == 0 else ''}>{'<br>'.join(_inline(x) for x in cell.split(chr(10)))}"
            "</td>" for i, cell in enumerate(cells)) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def markdown_html(text: str, levels: dict[str, str] | None = None) -> str:
    """The small Markdown that `show` writes (titles, lists, paragraphs) as HTML; a level's
    heading (found by its label in `levels`: label → level id) gets the level's colour."""
    out: list[str] = []
    items: list[str] = []
    ordered = False

    def close() -> None:
        nonlocal items
        if items:
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>")
            items = []

    for line in text.splitlines():
        match = re.match(r"(#{1,3}) (.*)", line)
        if match:
            close()
            depth, title = len(match.group(1)), match.group(2)
            level = next((lv for label, lv in (levels or {}).items() if label in title), None)
            css = _level_class(level if depth == 3 else None)
            out.append(f"<h{depth}{css}>{_inline(title)}</h{depth}>")
        elif re.match(r"(- |\d+\. )", line):
            new_ordered = not line.startswith("- ")
            if items and new_ordered != ordered:
                close()
            ordered = new_ordered
            items.append(_inline(re.sub(r"^(- |\d+\. )", "", line)))
        elif line.strip():
            close()
            out.append(f"<p>{_inline(line)}</p>")
        else:
            close()
    close()
    return "\n".join(out)


def h1(text: str) -> str:
    return f"<h1>{html.escape(text, quote=False)}</h1>"


def paragraphs(texts: list[Any]) -> str:
    return "".join(f"<p>{_inline(str(t))}</p>" for t in texts)
