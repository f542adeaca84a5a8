"""French everywhere a person reads: every --help and the usual wrong command lines."""

from __future__ import annotations

import re

import pytest

ENGLISH = re.compile(r"Usage:|Show this message|\[default:|\[required\]|<str>|<int|<list|"
                     r"<path>|<float>|Commands:|Error|\bCOMMAND\b|\bARGS\b|Missing|Invalid|No such|"
                     r"Got unexpected|requires an argument|is not one of|Input should|"
                     r"\bx[<>]=|[^ \n];")  # click's « x>=1 » and a « ; » without its space


def _commands(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    import typer.main

    group = typer.main.get_command(app)
    out: list[list[str]] = [[]]

    def walk(command, prefix: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            out.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(group, [])
    return out


def test_every_help_is_french_and_every_option_says_what_it_is_for(cli):
    from gradation.cli import full_app

    commands = _commands(full_app())
    assert ["resources", "add"] in commands and ["import", "communes"] in commands
    for command in commands:
        for flag in ("--help", "-h"):
            result = cli(*command, flag)
            assert result.exit_code == 0, (command, result.stderr)
            found = ENGLISH.search(result.stdout)
            assert not found, (command, found.group(0), result.stdout)
            assert "Utilisation : gradation" in result.stdout
        options = re.findall(r"^  (-\S.*?)(?:\s{2,}(.*))?$", cli(*command, "-h").stdout, re.M)
        for option, help_text in options:
            if option.startswith(("-h, --help", "--version")):
                continue
            assert help_text or option.endswith(">"), (command, option)


def test_help_lines_follow_french_typography_at_any_width(cli):
    from typer.testing import CliRunner

    from gradation.cli import full_app

    app = full_app()
    for columns in (60, 70, 80):
        for command in _commands(app):
            shown = CliRunner().invoke(app, [*command, "-h"], terminal_width=columns)
            for line in shown.stdout.splitlines():
                text = line.strip()
                assert not text.startswith((":", ";", "?", "!", "»")), (columns, command, line)
                assert not text.endswith("«"), (columns, command, line)


@pytest.mark.parametrize(("args", "french"), [
    (["orient", "-f", "xml"], "n'est pas l'une des valeurs acceptées"),
    (["orient", "--answer"], "l'option --answer attend une valeur"),
    (["nope"], "commande inconnue : nope"),
    (["resoures", "list"], "vouliez-vous dire « resources »"),
    (["orient", "-s", "psychiatrie", "en-trop"], "argument en trop : en-trop"),
    (["resources", "add", "--age-min", "x"], "un nombre entier est attendu"),
    (["train", "--count", "0"], "au moins 1"),
    (["orient", "--situatoin", "psychiatrie"], "option inconnue : --situatoin"),
])
def test_wrong_command_lines_are_answered_in_french(args, french, capsys):
    from gradation.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(args)  # the entry point itself, as the installed command runs it
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert french in err and not ENGLISH.search(err), err
