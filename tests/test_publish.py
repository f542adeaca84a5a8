"""The directory page the coordinator publishes: offline, searchable, its search kept in the
address, printable on A4 without a card cut (Chromium)."""

from __future__ import annotations

import re
import subprocess

import yaml
from conftest import ROOT
from test_print import _browser, print_pdf, read_pdf

DEMO = ROOT / "grids" / "territories" / "demo.yaml"


def dump_dom(page, address: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profil'}", "--dump-dom", page.as_uri() + address],
        capture_output=True, text=True, timeout=120)
    assert "<article" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_the_page_filters_by_commune_and_age_from_its_address(cli, tmp_path):
    page = tmp_path / "annuaire.html"
    assert cli("territory", "publish", "-t", str(DEMO), "-o", str(page)).exit_code == 0
    dom = dump_dom(page, "#commune=99003&age=16", tmp_path)
    cards = re.findall(r'<article class="card" id="r-([^"]+)"([^>]*)>', dom)
    shown = {rid for rid, attributes in cards if "hidden" not in attributes}
    # what the coordinator's file says, read here on its own
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    expected = set()
    for res in data["resources"]:
        age = res.get("age") or {}
        if (res.get("serves") is None or "99003" in res["serves"]) and \
                age.get("min", 0) <= 16 <= age.get("max", 200):
            expected.add(res["id"])
    assert shown == expected and 0 < len(shown) < len(cards)
    assert f"{len(expected)} ressources" in dom
    # a name or a kind narrows it further, and every card comes back without a filter
    by_kind = dump_dom(page, "#kind=cmp", tmp_path)
    visible = [rid for rid, a in re.findall(r'<article class="card" id="r-([^"]+)"([^>]*)>',
                                            by_kind) if "hidden" not in a]
    assert visible and all(r["kind"] == "cmp" for r in data["resources"] if r["id"] in visible)
    everything = dump_dom(page, "", tmp_path)
    assert "hidden" not in "".join(re.findall(r"<article[^>]*>", everything))


def test_the_page_is_offline_and_inert(cli, tmp_path):
    demo = DEMO.read_text(encoding="utf-8")
    hostile = tmp_path / "t.yaml"
    hostile.write_text(demo.replace('name: "CMP adultes d\'Exempleville"',
                                    'name: "CMP <script>alert(1)</script> d\'Exempleville"', 1),
                       encoding="utf-8")
    page = tmp_path / "annuaire.html"
    assert cli("territory", "publish", "-t", str(hostile), "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert text.count("<script>") == 1  # the page's own, inline
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched
    assert "default-src 'none'" in text  # and the browser is told so
    assert "<form" in text and "action=" not in text  # a search that sends nothing


def test_the_page_prints_on_a4_without_a_cut_card(cli, tmp_path):
    page = tmp_path / "annuaire.html"
    assert cli("territory", "publish", "-t", str(DEMO), "-o", str(page)).exit_code == 0
    pages = [text.replace("\u00a0", " ").replace("\u202f", " ")
             for _, text in read_pdf(print_pdf(page, tmp_path))]
    assert len(pages) > 1
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    for res in data["resources"]:
        if res.get("phone"):
            # a card's name and its phone number on the same page: the card is whole
            assert any(res["phone"] in text and " ".join(res["name"].split()[:2]) in text
                       for text in pages), res["id"]


def test_the_access_report_names_where_no_one_sees_the_patient_in_time(cli, tmp_path):
    report = cli("territory", "report", "-t", str(DEMO))
    assert report.exit_code == 0, report.output
    text = report.stdout.replace("\u00a0", " ").replace("\u202f", " ")
    # demo.yaml: Boisjoli's CMP reserves urgent slots within 2 days; Exempleville's and the
    # psychiatrist (8 weeks) do not, and nothing serves Valdeville faster
    line = next(row for row in text.splitlines()
                if row.startswith("- Troubles psychiatriques") and "Signes de décompensation"
                in row)
    assert line.endswith("aucune ressource rapide pour Exempleville, Valdeville"), line
    assert "## Délai déclaré médian, par type de ressource" in text
    assert "- Centre médico-psychologique (adultes) : 7,5 semaines (2 ressources)" in text
    csv_path = tmp_path / "rapport.csv"
    assert cli("territory", "report", "-t", str(DEMO), "-f", "csv", "-o",
               str(csv_path)).exit_code == 0
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrubrique;situation;niveau;commune;valeur;d")
    assert b"sans ressource rapide;Troubles psychiatriques" in data
    html_path = tmp_path / "rapport.html"
    assert cli("territory", "report", "-t", str(DEMO), "-f", "html", "-o",
               str(html_path)).exit_code == 0
    assert "<h1>Accès aux soins en santé mentale" in html_path.read_text(encoding="utf-8")
    again = cli("territory", "report", "-t", str(DEMO), "-f", "html", "-o", str(html_path))
    assert again.exit_code == 2  # never replaced without --force
