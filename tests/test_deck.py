"""The training deck: one offline page for a 1280×720 projector, every slide on screen without
overflow (measured in Chromium), the answer hidden until asked, the handout's order for the
same seed, one slide per landscape page on paper."""

from __future__ import annotations

import re
import subprocess

from test_print import _browser, print_pdf, read_pdf


def rendered(page, tmp_path) -> str:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profil'}", "--window-size=1280,720",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert "<section" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_every_slide_fits_a_1280_by_720_screen(cli, grid, tmp_path):
    deck = tmp_path / "seance.html"
    result = cli("train", "--presentation", "--seed", "7", "-n", "40", "-o", str(deck))
    assert result.exit_code == 0, result.output
    dom = rendered(deck, tmp_path)
    fits = re.findall(r'<section class="slide[^"]*" data-fits="(\w+)"', dom)
    vignettes = len(re.findall(r"<h2>Vignette \d+/\d+", dom))
    assert vignettes >= 20 and len(fits) == 3 + len(grid.situations) + vignettes
    assert set(fits) == {"oui"}, [i for i, f in enumerate(fits) if f != "oui"]
    assert dom.count('class="answer" hidden') == vignettes  # answers wait for Enter
    text = deck.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', text) and "default-src 'none'" in text
    assert "mermaid" not in text.lower()


def test_the_measure_sees_a_slide_that_overflows(cli, tmp_path):
    # the page's own check, shown that it can say « non »: a story far too long for a screen
    story = "Une histoire très longue. " * 400
    vignettes = tmp_path / "v.yaml"
    vignettes.write_text(
        "vignettes:\n  - id: longue\n    situation: psychiatrie\n"
        f"    story: \"{story}\"\n"
        "    answers: {age: 30, commune: \"99001\", risque_suicidaire: eleve}\n"
        "    level: urgence\n", encoding="utf-8")
    deck = tmp_path / "seance.html"
    assert cli("train", "--presentation", "--vignettes", str(vignettes), "-o",
               str(deck)).exit_code == 0
    fits = re.findall(r'data-fits="(\w+)"', rendered(deck, tmp_path))
    assert fits[-1] == "non" and fits[:-1] and set(fits[:-1]) == {"oui"}


def test_the_handout_and_the_deck_of_one_seed_go_in_the_same_order(cli, tmp_path):
    deck = tmp_path / "seance.html"
    assert cli("train", "--presentation", "--seed", "11", "-n", "6", "-o",
               str(deck)).exit_code == 0
    handout = cli("train", "--export", "markdown", "--seed", "11", "-n", "6").stdout
    assert "Tirage 11" in handout
    in_deck = re.findall(r"<h2>Vignette \d+/6 — ([^<]+)</h2>", deck.read_text("utf-8"))
    in_handout = [line.split(" — ", 1)[1].split(" · ")[0]
                  for line in handout.splitlines() if line.startswith("## Vignette ")]
    import html

    assert [" ".join(html.unescape(x).split()) for x in in_deck] == \
        [" ".join(x.replace("\\", "").split()) for x in in_handout]
    pages = read_pdf(print_pdf(deck, tmp_path))
    slides = deck.read_text("utf-8").count('<section class="slide')
    assert len(pages) == slides  # one slide per page
    assert all(width > height for (width, height), _ in pages)  # landscape
