"""A training session's deck: one offline HTML file for a 1280×720 projector.

A title slide (with the draw's seed), the two seed tables each on one slide with their source,
one slide per situation (its levels in colour, drawn in HTML by the tool itself: no network, no
mermaid-cli), then one slide per vignette: the story, a key to reveal the answer (the level in
its colour, the delay, the reasons with their source and cell, the kinds of the resources, the
teaching point). Arrow keys, space and Page Up/Down move; Enter or « r » reveals; it prints one
slide per landscape page. The script marks each slide that would not fit the screen
(`data-fits`), so that a trainer — and a test — can see it.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from gradation.core.model import Grid
from gradation.present.fidelity import kinds_with_lines
from gradation.present.teaching import (
    MARK,
    NOT_CALLED_NOTE,
    PLACED_NOTE,
    model_table,
    rules_by_level,
    situations_table,
)
from gradation.present.typography import fr

COLOURS = {"1": "#2e7d32", "2": "#b8860b", "3": "#d35400", "urgence": "#b00020"}


def _e(text: object) -> str:
    return html.escape(fr(str(text)))


def _slide(body: str, kind: str = "") -> str:
    return f'<section class="slide {kind}">{body}</section>'


def model_table_html(grid: Grid) -> str:
    """The seed's line × field table, its notes and its source."""
    fields = grid.model.fields
    head = "".join(f"<th>{_e(f.label)}</th>" for f in fields)
    rows = "".join(
        f"<tr><th>{_e(label)}</th>"
        + "".join(f"<td>{_e(', '.join(cells.get(f.id, [])))}</td>" for f in fields) + "</tr>"
        for label, _, cells in model_table(grid))
    return (f"<table class='seed'><tr><th></th>{head}</tr>{rows}</table>"
            f"<p class='note'>{_e(PLACED_NOTE)} {_e(NOT_CALLED_NOTE)}</p>"
            f"<p class='source'>Source : {_e(grid.model.seed_cell)}</p>")


SITUATIONS_NOTE = ("* Type que la table source ne place pas dans cette case (extension de la "
                   "grille). Les rangées de la table source s'appellent « 1re, 2e, 3e ligne » ; "
                   "la grille les lit comme des niveaux de recours (gradation model).")


def situations_table_html(grid: Grid) -> str:
    """The seed's situations × levels table (each level with the seed's row label), its note
    and its source."""
    names = "".join(f"<th>{_e(grid.level_seed_label(str(lv)))}</th>" for lv in (1, 2, 3))
    rows = "".join(
        f"<tr><th>{_e(label)}</th>" + "".join(
            "<td>" + _e(", ".join(k + (MARK if ext else "") for k, ext in cell)) + "</td>"
            for cell in cells) + "</tr>"
        for label, cells in situations_table(grid))
    return (f"<table class='seed'><tr><th></th>{names}</tr>{rows}</table>"
            f"<p class='note'>{_e(SITUATIONS_NOTE)}</p>"
            f"<p class='source'>Source : {_e(grid.model.seed_cell)} ; l'urgence et ses "
            "drapeaux rouges : critères de la grille.</p>")


def _model_slide(grid: Grid) -> str:
    return _slide(f"<h2>L'organisation en trois lignes</h2>{model_table_html(grid)}")


def _situations_slide(grid: Grid) -> str:
    return _slide(f"<h2>Les situations et leurs niveaux de recours</h2>"
                  f"{situations_table_html(grid)}")


def _situation_slide(grid: Grid, situation: Any) -> str:
    columns = []
    rows = rules_by_level(grid, situation)
    for level in ("urgence", "3", "2", "1"):
        mine = [r for r in rows if r.level == level]
        if not mine and level != "1":
            continue
        items = "".join(f"<li>{_e(r.condition)}</li>" for r in mine[:5])
        more = f"<li>… et {len(mine) - 5} autres (gradation show)</li>" if len(mine) > 5 else ""
        kinds = situation.kinds(level, grid) if level != "urgence" else grid.model.urgence_kinds
        named = ", ".join(grid.kind_label(k) + (MARK if level != "urgence" and not
                                                situation.in_seed_cell(level, k) else "")
                          for k in kinds[:8])
        columns.append(
            f'<div class="level" style="--c:{COLOURS[level]}">'
            f"<h3>{_e(grid.level_seed_label(level))}</h3>"
            f"<ul>{items or '<li>sinon</li>'}{more}</ul><p class='kinds'>"
            f"{_e(named)}</p></div>")
    return _slide(f"<h2>{_e(situation.label)}</h2><div class='levels'>{''.join(columns)}</div>"
                  "<p class='note'>Le niveau retenu est le plus élevé dont une condition est "
                  "remplie. * Type que la table source ne place pas à ce niveau.</p>")


def _vignette_slides(grid: Grid, items: list[tuple[Any, Any]], hide_situation: bool = False
                     ) -> list[str]:
    slides = []
    for i, (vignette, result) in enumerate(items, 1):
        situation = grid.situations[vignette.situation]
        reasons = "".join(f"<li>{_e(r.text.split(' : ')[0])} <small>({_e(r.source)} ; case : "
                          f"{_e(r.cell)})</small></li>" for r in result.reasons[:4])
        kinds = ", ".join(kinds_with_lines(grid, result.level,
                                           [r.kind for r in result.resources]))
        teaching = (f"<p class='teaching'>À retenir : {_e(vignette.teaching)}</p>"
                    if vignette.teaching else "")
        colour = COLOURS.get(result.level, "#000")
        head = "" if hide_situation else f" — {_e(situation.label)}"
        named = f"<p>Situation : {_e(situation.label)}</p>" if hide_situation else ""
        slides.append(_slide(
            f"<h2>Vignette {i}/{len(items)}{head}</h2>"
            f"<p class='story'>{_e(vignette.story)}</p>"
            f"<p class='hint'>Votez, puis Entrée pour la réponse.</p>"
            f"<div class='answer' hidden>{named}<p class='verdict' style='--c:{colour}'>"
            f"{_e(grid.level_label(result.level))} · {_e(grid.delay_label(result.delay))}</p>"
            f"<ul>{reasons}</ul><p>Ressources : {_e(kinds or 'aucune dans le territoire')}</p>"
            f"{teaching}</div>", "vignette"))
    return slides


_CSS = """@page{size:landscape;margin:0}
html,body{margin:0;padding:0;background:#fff;color:#000;
font-family:system-ui,"DejaVu Sans",sans-serif}
.slide{box-sizing:border-box;width:100vw;height:100vh;padding:3vh 4vw;overflow:hidden;
display:none;font-size:2.6vh;line-height:1.3}
.slide.current{display:block}
h1{font-size:6vh;margin:18vh 0 2vh}h2{font-size:4.2vh;margin:0 0 2vh}h3{font-size:3vh;margin:0}
table.seed{border-collapse:collapse;width:100%;font-size:1.75vh;line-height:1.2}
table.seed th,table.seed td{border:1px solid #888;padding:.3vh .5vw;vertical-align:top;
text-align:left}
.levels{display:flex;gap:1.2vw}.level{flex:1;border-top:1.2vh solid var(--c);padding:1vh .6vw;
background:#f6f6f6;font-size:1.8vh}.level h3{color:var(--c)}
.level ul{padding-left:1.2vw;margin:.6vh 0}.level li{margin:.3vh 0}
.kinds{font-size:1.8vh;color:#333}
.story{font-size:3.6vh;line-height:1.35}.hint{color:#555}
.verdict{font-size:4.4vh;font-weight:bold;color:#fff;background:var(--c);padding:.6vh 1vw;
display:inline-block}
.note,.source{font-size:1.8vh;color:#333;margin:.8vh 0}.teaching{font-weight:bold}
@media print{.slide{display:block!important;width:297mm;height:210mm;break-after:page;
font-size:5mm}.answer[hidden]{display:block!important}}"""

_SCRIPT = """(function(){
var s=[].slice.call(document.querySelectorAll('.slide')),i=0;
s.forEach(function(el){el.classList.add('current');
var a=el.querySelector('.answer');if(a){a.hidden=false;}
el.dataset.fits=(el.scrollHeight<=el.clientHeight+1&&el.scrollWidth<=el.clientWidth+1)?'oui':'non';
if(a){a.hidden=true;}el.classList.remove('current');});
function show(n){i=Math.max(0,Math.min(s.length-1,n));
s.forEach(function(el,j){el.classList.toggle('current',j===i);});}
document.addEventListener('keydown',function(e){
if(['ArrowRight','ArrowDown','PageDown',' '].indexOf(e.key)>=0){show(i+1);e.preventDefault();}
else if(['ArrowLeft','ArrowUp','PageUp'].indexOf(e.key)>=0){show(i-1);e.preventDefault();}
else if(e.key==='Enter'||e.key==='r'){var a=s[i].querySelector('.answer');
if(a){a.hidden=!a.hidden;}}});
show(0);})();"""


def deck_html(grid: Grid, items: list[tuple[Any, Any]], seed: int | None,
              today: dt.date, hide_situation: bool = False) -> str:
    """The deck: `items` are (vignette, result) in the order of the session."""
    drawn = f"tirage {seed} (--seed {seed})" if seed is not None else "ordre choisi"
    slides = [
        _slide(f"<h1>{_e(grid.model.name)}</h1><p>Séance de formation — "
               f"{today.strftime('%d/%m/%Y')} — {len(items)} vignettes, {_e(drawn)}.</p>"
               "<p>Flèches ou espace : diapositive suivante ; Entrée : la réponse.</p>"),
        _model_slide(grid), _situations_slide(grid),
        *(_situation_slide(grid, s) for s in grid.situations.values()),
        *_vignette_slides(grid, items, hide_situation),
    ]
    return ('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
            f"<title>{_e(grid.model.name)} — formation</title>\n<style>{_CSS}</style>\n"
            "</head>\n<body>\n" + "\n".join(slides) + f"\n<script>{_SCRIPT}</script>\n"
            "</body>\n</html>\n")
