"""Writing vignettes: the checker reports every problem in one pass, warns of an answer the
situation never reads (an error under --strict), explains a French « : » in an unquoted story,
and `gradation show` gives the value ids a vignette needs."""

from __future__ import annotations

from conftest import write

CALM = ("risque_suicidaire: aucun, danger_autrui: non, agitation: non, confusion: non, "
        "intoxication_aigue: non, tentative_recente: non, mise_en_danger: non, "
        "enfant_en_danger: non, echec_soins_anterieurs: aucun")


def test_a_structural_error_does_not_hide_the_other_vignettes_problems(cli, tmp_path):
    path = write(tmp_path / "v.yaml", f"""vignettes:
  - id: a
    situation: psychiatrie
    story: "Un patient."
    answers: {{age: 30, commune: "99001"}}
    level: 4
  - id: b
    situation: psychiatrie
    story: "Une patiente."
    answers: {{age: 46, commune: "99002", {CALM}, retentissement: leger, premier_episode: non, decompensation: non, rupture_de_soins: non}}
    level: "2"
  - id: c
    situation: inconnue
    story: "Un autre."
    answers: {{age: 30}}
    level: "2"
""")
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 3
    out = result.stdout
    assert "v.yaml:6:12: vignettes[0].level : valeur 4 invalide" in out
    assert "v.yaml:11:12: vignettes[1] (b).level : « 2 » attendu, mais la grille conclut « 1 »" \
        in out
    assert "v.yaml:13:16: vignettes[2] (c).situation : situation « inconnue » inconnue" in out
    assert "3 erreurs" in out


def test_an_answer_the_situation_does_not_ask_is_a_warning_and_fails_under_strict(cli, tmp_path):
    path = write(tmp_path / "v.yaml", f"""vignettes:
  - id: b
    situation: psychiatrie
    story: "Un patient stabilisé."
    answers: {{age: 46, commune: "99002", phq9: 12, {CALM}, retentissement: leger, premier_episode: non, decompensation: non, rupture_de_soins: non}}
    level: "1"
""")
    plain = cli("grid", "validate", str(path))
    assert plain.exit_code == 0, plain.output
    assert ("v.yaml:5:48: avertissement : vignettes[0] (b).answers : « phq9 » n'est pas une "
            "question de « psychiatrie » (réponse ignorée par la grille : retirez-la)") \
        in plain.stdout
    assert cli("grid", "validate", "--strict", str(path)).exit_code == 3


def test_a_colon_in_an_unquoted_story_is_explained_in_french(cli, tmp_path):
    path = write(tmp_path / "v.yaml", """vignettes:
  - id: a
    situation: psychiatrie
    story: Il dit : « je vais bien »
    answers: {age: 30, commune: "99001"}
    level: "1"
""")
    result = cli("train", "--vignettes", str(path), "--list")
    assert result.exit_code == 3
    assert ("v.yaml:4:19: « : » inattendu : dans un texte sans guillemets, « : » suivi d'une "
            "espace annonce une nouvelle clé ; mettez le texte entre guillemets") in result.stderr
    assert "mapping values" not in result.output


def test_show_gives_the_value_ids_a_vignette_takes(cli):
    out = cli("show", "psychiatrie", "-f", "markdown").stdout
    assert ("(`risque_suicidaire` ; `aucun` = Aucun / `faible` = Faible : idées de mort ou de "
            "suicide, sans scénario / `moyen` = Moyen") in out
    assert "`eleve` = Élevé" in out
    assert "(`premier_episode` ; `oui` / `non`)" in out
