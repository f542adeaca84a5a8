"""The territory's directory as one offline HTML page, for the CPTS's GPs who never open a
terminal (`gradation territory publish`).

The emergency numbers first; the territory's own gradation table (each situation × level with
the local resources that answer it, extension kinds marked); then every resource with its
contacts, walk-in desk, urgent slot, declared wait and its date, sector, ages and when it was
last verified. A search (name, commune by name or postcode, kind) and an age filter run in the
page itself; their state is kept in the address (`#commune=99001&age=16`) so that a link can be
shared. No network, no form, nothing about a patient is asked or kept: every text is escaped,
the script reads only the address and the cards' own attributes.
"""

from __future__ import annotations

import datetime as dt
import html

from gradation.core.model import Grid, Situation, Territory
from gradation.core.schema import Resource
from gradation.present.typography import dial, fr
from gradation.present.waits import urgent_text

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def _e(text: object) -> str:
    return html.escape(fr(str(text)))


def _phone(number: str) -> str:
    target = dial(number)
    shown = _e(number)
    return f'<a href="tel:{html.escape(target)}">{shown}</a>' if target else shown


def _wait(res: Resource) -> str | None:
    if res.wait_weeks is None:
        return None
    text = "sans délai" if res.wait_weeks == 0 else (
        f"{res.wait_weeks} semaine{'s' if res.wait_weeks > 1 else ''}")
    if res.wait_as_of is not None:
        text += f" (délai déclaré en {MONTHS[res.wait_as_of.month - 1]} {res.wait_as_of.year})"
    return text


def _ages(res: Resource) -> str | None:
    if res.age is None or (res.age.min is None and res.age.max is None):
        return None
    if res.age.min is not None and res.age.max is not None:
        return f"de {res.age.min} à {res.age.max} ans"
    if res.age.min is not None:
        return f"à partir de {res.age.min} ans"
    return f"jusqu'à {res.age.max} ans"


def _card_rows(res: Resource, sector: str, today: dt.date) -> list[tuple[str, str]]:
    """The card's lines that the entry has: (label, escaped value)."""
    values = [("Téléphone", _phone(res.phone) if res.phone else None),
              ("Adresse", res.address), ("Horaires", res.hours),
              ("Sans rendez-vous", res.walk_in),
              ("Place urgente", urgent_text(res, today) if res.urgent_days is not None
               else None),
              ("Délai", _wait(res)), ("Secteur", sector), ("Âges", _ages(res)),
              ("Courriel", res.email),
              ("Vérifiée", res.verified_on.strftime("le %d/%m/%Y") if res.verified_on
               else "jamais vérifiée")]
    return [(label, value if label == "Téléphone" else _e(value))
            for label, value in values if value]


def _card(res: Resource, grid: Grid, territory: Territory, today: dt.date) -> str:
    communes = territory.data.territory.communes
    if res.serves is None:
        sector, served = "tout le territoire", ""
    else:
        names = [territory.commune_name(code) or code for code in res.serves]
        sector, served = ", ".join(names), " ".join(res.serves)
    # what the search reads: the name, the kind, and the communes served (names, postcodes)
    words = [res.name, grid.kind_label(res.kind), res.kind]
    words += [x for c in communes if res.serves is None or c.insee in res.serves
              for x in (c.name, c.insee, *c.postcodes)]
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>"
                   for label, value in _card_rows(res, sector, today))
    low = res.age.min if res.age and res.age.min is not None else 0
    high = res.age.max if res.age and res.age.max is not None else 200
    return (f'<article class="card" id="r-{html.escape(res.id)}" '
            f'data-kind="{html.escape(res.kind)}" data-serves="{html.escape(served)}" '
            f'data-min="{low}" data-max="{high}" '
            f'data-words="{html.escape(" ".join(words).lower())}">'
            f"<h3>{_e(res.name)}</h3><p class=\"kind\">{_e(grid.kind_label(res.kind))}</p>"
            f"<dl>{body}</dl></article>")


Table = list[tuple[Situation, list[tuple[str, list[Resource]]]]]


def _table(table: Table, per_page: bool) -> str:
    parts = []
    for situation, levels in table:
        rows = []
        for level, found in levels:
            cells = ", ".join(
                f'<a href="#r-{html.escape(r.id)}">{_e(r.name)}</a>'
                + (" <small>(extension)</small>" if level != "urgence"
                   and situation.is_extension(level, r.kind) else "")
                for r in found) or "<em>aucune ressource</em>"
            name = "Urgence" if level == "urgence" else f"Niveau {level}"
            rows.append(f'<tr class="l-{level}"><th>{name}</th><td>{cells}</td></tr>')
        parts.append(f'<section class="situation{" page" if per_page else ""}">'
                     f"<h3>{_e(situation.label)}</h3><table>{''.join(rows)}</table></section>")
    return "".join(parts)


_CSS = """@page{size:A4;margin:12mm}
body{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:10.5pt;line-height:1.35;
max-width:60rem;margin:1rem auto;padding:0 1rem;color:#000}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:1.2rem 0 .4rem}
h3{font-size:1rem;margin:.2rem 0}
.numbers{border:3px solid #b00;padding:.4rem .8rem;margin:.6rem 0}
.numbers li{margin:.1rem 0}
table{border-collapse:collapse;width:100%;margin:.2rem 0 .8rem}
th,td{border:1px solid #999;padding:.2rem .4rem;vertical-align:top;text-align:left}
th{width:8rem}tr.l-urgence th{color:#b00}
.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0;align-items:end}
.search label{display:flex;flex-direction:column;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.6rem}
.card{border:1px solid #777;border-left:4px solid #555;padding:.3rem .6rem;
break-inside:avoid;page-break-inside:avoid}
.card .kind{margin:0;color:#333}.card dl{display:grid;grid-template-columns:max-content 1fr;
gap:0 .5rem;margin:.3rem 0}.card dd{margin:0}
a[href^="tel:"]{font-weight:bold;white-space:nowrap;color:inherit}
.count{font-weight:bold}[hidden]{display:none!important}
@media print{.search{display:none}body{max-width:none;margin:0;padding:0}
.situation.page{break-before:page}section.situation{break-inside:avoid}}"""

# Reads the address (#q=…&commune=…&age=…&kind=…) and the cards' attributes; writes only the
# address and the cards' `hidden`: nothing leaves the page.
_SCRIPT = """(function(){
var f={q:document.getElementById('q'),commune:document.getElementById('commune'),
age:document.getElementById('age'),kind:document.getElementById('kind')};
var cards=[].slice.call(document.querySelectorAll('.card'));
function norm(s){return (s||'').toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g,'');}
function read(){var p=new URLSearchParams(location.hash.slice(1));
for(var k in f){f[k].value=p.get(k)||'';}}
function apply(write){var q=norm(f.q.value.trim()),c=norm(f.commune.value.trim()),
a=parseInt(f.age.value,10),k=f.kind.value,n=0;
cards.forEach(function(el){var w=norm(el.dataset.words),s=el.dataset.serves;
var ok=(!q||w.indexOf(q)>=0)&&(!k||el.dataset.kind===k)
&&(!c||!s||w.indexOf(c)>=0)
&&(isNaN(a)||(a>=+el.dataset.min&&a<=+el.dataset.max));
el.hidden=!ok;if(ok){n++;}});
document.getElementById('count').textContent=n+' ressource'+(n>1?'s':'');
if(write){var p=new URLSearchParams();for(var k2 in f){if(f[k2].value){p.set(k2,f[k2].value);}}
history.replaceState(null,'','#'+p.toString());}}
for(var k in f){f[k].addEventListener('input',function(){apply(true);});}
window.addEventListener('hashchange',function(){read();apply(false);});
read();apply(false);})();"""


def publish_html(grid: Grid, territory: Territory, table: Table, today: dt.date,
                 per_page: bool = False) -> str:
    """The directory page, self-contained (inline style and script, no network); `table`:
    each situation's levels with the resources placed there (territory.coverage)."""
    numbers = sorted(grid.model.numbers, key=lambda n: not (n.levels and "urgence" in n.levels))
    resources = sorted(territory.resources, key=lambda r: (grid.kind_label(r.kind), r.name))
    kinds = sorted({r.kind for r in resources}, key=grid.kind_label)
    options = "".join(f'<option value="{html.escape(k)}">{_e(grid.kind_label(k))}</option>'
                      for k in kinds)
    title = f"Annuaire en santé mentale — {territory.name}"
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n"
        f"<p>Pour les médecins du territoire. Mis à jour le {today.strftime('%d/%m/%Y')} ; "
        "chaque fiche dit quand elle a été vérifiée. Cette page ne demande rien sur un patient "
        "et fonctionne hors connexion.</p>\n"
        '<section class="numbers"><h2>Urgences et numéros utiles</h2><ul>'
        + "".join(f"<li>{_phone(n.number)} — {_e(n.label)}</li>" for n in numbers)
        + "</ul></section>\n"
        "<h2>Le recours gradué sur le territoire</h2>\n"
        + _table(table, per_page)
        + '\n<h2 class="page">Les ressources</h2>\n'
        '<form class="search" role="search" onsubmit="return false">'
        '<label>Nom ou type<input id="q" type="search"></label>'
        '<label>Commune (nom ou code postal)<input id="commune" type="search"></label>'
        '<label>Âge<input id="age" type="number" min="0" max="120"></label>'
        f'<label>Type<select id="kind"><option value="">tous</option>{options}</select></label>'
        '<span id="count" class="count"></span></form>\n'
        '<div class="cards">'
        + "".join(_card(r, grid, territory, today) for r in resources)
        + "</div>\n<script>" + _SCRIPT + "</script>\n</body>\n</html>\n")
