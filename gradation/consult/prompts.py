"""The questionary adapter: the only module that prompts. Keyboard-driven, in French."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import questionary
from questionary import Choice, Style

from gradation.consult.boxes import back_hint, checkbox
from gradation.consult.interview import BACK, Back, context_answers, context_boxes
from gradation.core.answers import AnswerError, normalise
from gradation.core.decision import age_text, display_answer
from gradation.core.model import Grid, Situation, Territory
from gradation.core.schema import Question
from gradation.core.text import capitalized
from gradation.errors import GradationError
from gradation.present.typography import tied_chunks

STYLE = Style([("qmark", "fg:ansicyan bold"), ("question", "bold"), ("pointer", "fg:ansicyan bold"),
               ("highlighted", "fg:ansicyan bold"), ("instruction", "fg:ansibrightblack"),
               ("answer", "fg:ansigreen")])
BACK_LABEL = "← Revenir à la question précédente"
BACK_WORD = "<"
RESULT_LABEL = "✔ Voir le résultat"
SHOW_RESULT = "__resultat__"  # questionary takes a None value as « the title »
SELECT_HINT = "(flèches ↑↓, Entrée pour valider)"
NOT_EVALUATED = "non évalué"


class _FrenchWrapper(textwrap.TextWrapper):
    """Breaks at spaces, except where French typography ties words: before « : ; ? ! » » and
    after « « » (no line starts with « ? »); the text keeps its plain spaces."""

    def _split(self, text: str) -> list[str]:
        return tied_chunks(super()._split(text))


def _fill(text: str, width: int, **options: Any) -> str:
    return _FrenchWrapper(width=width, break_long_words=False, break_on_hyphens=False,
                          **options).fill(text)


def wrap(text: str, indent: int = 5, indent_first: bool = True) -> str:
    """A label wrapped to the terminal's width, its next lines indented under its first (a
    menu's labels start `indent` columns in when `indent_first`; a summary line at column 0)."""
    import shutil

    columns = shutil.get_terminal_size((100, 30)).columns
    width = max(30, columns - (indent + 2 if indent_first else 1))
    return _fill(text, width, subsequent_indent=" " * indent)


def message(text: str, help_text: str | None = None, hint: str = SELECT_HINT) -> str:
    """A prompt's message wrapped to the terminal: the question, then its help on lines of
    their own, the keys to use at the end; never a word broken by the terminal's edge."""
    import shutil

    width = max(30, shutil.get_terminal_size((100, 30)).columns - 3)

    def fill(text: str, first: str = "") -> str:
        return _fill(text, width, initial_indent=first, subsequent_indent="  ")

    if not help_text:
        return fill(f"{text} {hint}".strip())
    return fill(text) + "\n" + fill(f"{help_text} {hint}".strip(), "  ")


# questionary shows an English line when a menu has no instruction: ours is in the message,
# this blank one stands in (erased with the prompt once answered).
NO_INSTRUCTION = " "


def shown_answer(question: Question, value: Any) -> str:
    """An answer as the menus wrote it (« Non », « Léger »): the same case on every screen."""
    return capitalized(display_answer(question, value))


class QuestionaryAsker:
    """Asks with questionary; `input`/`output` let tests drive prompt_toolkit with a pipe."""

    def __init__(self, grid: Grid, territory: Territory | None, **io: Any) -> None:
        self.grid = grid
        self.territory = territory
        if not io and not sys.stdout.isatty():
            # Standard output is a file or a pipe (--format json > …): prompt on stderr.
            from prompt_toolkit.output import create_output

            io = {"output": create_output(stdout=sys.stderr)}
        self.io = io
        self.asked = 0  # prompts shown: no follow-up menu when everything came from flags

    def _ask(self, prompt: questionary.Question, title: str,
             shown: Callable[[Any], str | None] = str) -> Any:
        """Ask; then replace the whole prompt (help, choices) by one line, the question and
        its answer, wrapped to the terminal: the screen keeps what was answered, readable."""
        self.asked += 1
        prompt.application.erase_when_done = True
        # Ctrl-C raises KeyboardInterrupt: the CLI says « interrompue »
        answer = prompt.unsafe_ask()
        text = None if answer is BACK else shown(answer)
        if text is not None:  # file text: no control character reaches the terminal
            line = "".join(ch if ch.isprintable() else "�" for ch in
                           f"? {title.splitlines()[0]} — {text}")
            self.say(wrap(line, 2, indent_first=False))
        return answer

    def situation(self, current: str | None = None) -> str:
        # The label and ages, then the one-line description on the next line (questionary's own
        # description line is labelled in English).
        def title(s: Situation) -> str:  # its ages, unless its label already says them
            ages = age_text(s.spec.age.min, s.spec.age.max)
            return s.label if "ans)" in s.label else f"{s.label} ({ages})"

        # each line wrapped to the terminal, never cut at its edge
        choices = [
            Choice([("class:text", wrap(title(s))),
                    ("class:instruction", "\n     " + wrap(s.spec.description or "", 5)
                     if s.spec.description else "")], value=s.id)
            for s in self.grid.situations.values()
        ]
        default = next((c for c in choices if c.value == current), None)
        return str(self._ask(questionary.select(message("Situation clinique"), choices=choices,
                                                default=default, instruction=NO_INSTRUCTION,
                                                style=STYLE, **self.io),
                             "Situation clinique", lambda sid: self.grid.situations[sid].label))

    def _boxes(self, title: str, help_text: str, items: list[tuple[Any, str]],
               checked: set[Any], can_go_back: bool) -> Any:
        """A checklist: the ticked values, or `Back` (what was ticked goes with it)."""
        labels = dict(items)
        prompt = checkbox(message(title, help_text, back_hint(can_go_back)),
                          [(value, wrap(label)) for value, label in items], checked,
                          can_go_back, instruction=NO_INSTRUCTION, style=STYLE, **self.io)
        ticked = self._ask(prompt, title, lambda ids: None if isinstance(ids, Back) else (
            " ; ".join(labels[i] for i in ids) if ids else "Aucun"))
        if isinstance(ticked, Back) and ticked.ticked:
            self.say(wrap("Retour à la question précédente ; cochés, et cochés de nouveau au "
                          "retour : " + " ; ".join(labels[i] for i in ticked.ticked), 2,
                          indent_first=False))
        return ticked

    def checklist(self, questions: list[Question], can_go_back: bool, situation: Situation,
                  ticked: set[str] | None = None) -> Any:
        """The yes/no red flags on one screen: the ticked ones are « oui », the others « non »."""
        return self._boxes("Signes d'urgence présents ?",
                           "Cochez ceux qui sont présents ; aucun coché : aucun.",
                           [(q.id, q.text.rstrip(" ?")) for q in questions], ticked or set(),
                           can_go_back)

    def signs(self, questions: list[Question], can_go_back: bool, situation: Situation,
              ticked: set[str] | None = None) -> Any:
        """The situation's yes/no signs on one screen (each with its help)."""
        return self._boxes("Présent chez ce patient ?",
                           "Cochez ce qui est présent ; rien de coché : non pour tout.",
                           [(q.id, q.text.rstrip(" ?") + (f" ({q.help.rstrip('.')})"
                                                          if q.help else ""))
                            for q in questions], ticked or set(), can_go_back)

    def context(self, questions: list[Question], can_go_back: bool, situation: Situation,
                before: Mapping[str, Any] | None = None) -> Any:
        """The context questions on one screen (interview.context_boxes)."""
        boxes = context_boxes(questions)
        checked = {i for i, (qid, value, _) in enumerate(boxes)
                   if (before or {}).get(qid) == value}
        while True:
            ticked = self._boxes("Contexte", "Cochez ce qui s'applique ; aucun coché : aucun.",
                                 [(i, label) for i, (_, _, label) in enumerate(boxes)],
                                 checked, can_go_back)
            if isinstance(ticked, Back):  # what was ticked comes back with the checklist
                kept = context_answers(questions, [boxes[i] for i in ticked.ticked])
                return Back(kept) if isinstance(kept, dict) else BACK
            values = context_answers(questions, [boxes[i] for i in ticked])
            if isinstance(values, dict):
                return values
            checked = set(ticked)
            self.say(wrap("Une seule réponse possible pour : " + ", ".join(values)
                          + " (grossesse ou post-partum, pas les deux)."))

    def question(self, question: Question, current: Any, can_go_back: bool,
                 situation: Situation) -> Any:
        if question.type in ("boolean", "choice"):
            if question.type == "boolean":
                choices = [Choice("Non", value=False), Choice("Oui", value=True)]
            else:
                choices = [Choice(wrap(c.label), value=c.id) for c in question.values]
            if can_go_back:
                choices.append(Choice(BACK_LABEL, value=BACK))
            default = next((c for c in choices if c.value == current and current is not None), None)
            prompt = questionary.select(message(question.text, question.help), choices=choices,
                                        default=default, instruction=NO_INSTRUCTION,
                                        style=STYLE, **self.io)
            return self._ask(prompt, question.text,
                             lambda v: shown_answer(question, v))
        if question.type == "commune":
            return self._commune(question, current, can_go_back)
        return self._number(question, current, can_go_back, situation)

    def _hint(self, question: Question, can_go_back: bool) -> str:
        """The message of a typed answer: the question, its help, the keys."""
        parts = []
        if question.type in ("integer", "score") and not question.help:
            parts.append(f"{question.min} à {question.max}")
        if question.optional and question.type in ("integer", "score"):
            parts.append(f"Tab : « {NOT_EVALUATED} »")
        elif question.optional:
            parts.append("Entrée : non précisée")
        if can_go_back:
            parts.append(f"{BACK_WORD} : question précédente")
        text = " ; ".join(parts)
        return message(question.text, question.help, f"({text})" if text else "")

    def _number(self, question: Question, current: Any, can_go_back: bool,
                situation: Situation) -> Any:
        def check(text: str) -> bool | str:
            text = text.strip()
            if can_go_back and text == BACK_WORD:
                return True
            if not text:
                return True if question.optional else "Une réponse est nécessaire."
            if not text.isdigit():
                return f"Nombre entier attendu, de {question.min} à {question.max}."
            try:
                value = normalise(question, text)
            except AnswerError:
                return f"Valeur hors limites : de {question.min} à {question.max}."
            if question.id == "age":
                rng = situation.spec.age
                if not rng.min <= value <= rng.max:  # one short line, no internal id
                    back = " ; < : changer de situation" if can_go_back else ""
                    return f"Situation prévue {age_text(rng.min, rng.max)}{back}."
            return True

        default = "" if current is None else str(current)
        hint = self._hint(question, can_go_back)
        if question.optional:
            # « non évalué » is offered as a choice (Tab or arrows), or typed, or left empty.
            prompt = questionary.autocomplete(
                hint, choices=[NOT_EVALUATED], default=default,
                validate=lambda t: True if t.strip() == NOT_EVALUATED else check(t),
                style=STYLE, **self.io)
        else:
            # the hint in the message: questionary pads an instruction with a second space
            prompt = questionary.text(hint, default=default,
                                      validate=check, style=STYLE, **self.io)
        text = self._ask(prompt, question.text,
                         lambda t: None if t.strip() == BACK_WORD and can_go_back
                         else "Non évalué" if t.strip() in ("", NOT_EVALUATED) else t.strip()
                         ).strip()
        if can_go_back and text == BACK_WORD:
            return BACK
        if text == NOT_EVALUATED:
            return None
        return normalise(question, text) if text else None

    def _commune(self, question: Question, current: Any, can_go_back: bool) -> Any:
        communes = self.territory.data.territory.communes if self.territory else []
        labels: dict[str, str] = {}
        index: dict[str, str] = {}
        for c in communes:
            postcodes = f" ({', '.join(c.postcodes)})" if c.postcodes else ""
            labels[f"{c.insee} {c.name}{postcodes}"] = c.insee
            for key in (c.insee, c.name, *c.postcodes, *c.aliases):
                index.setdefault(key.casefold(), c.insee)
        for code, name in self._outside():
            labels.setdefault(f"{code} {name} (hors du territoire)", code)
            for key in (code, name):
                index.setdefault(key.casefold(), code)

        def resolve(text: str) -> str | None:
            text = text.strip()
            found = labels.get(text) or index.get(text.casefold())
            if found:
                return found
            # one suggestion left for what was typed: Enter takes it (no Tab needed)
            matches = {code for label, code in labels.items() if text.casefold() in
                       label.casefold()} if text else set()
            if len(matches) == 1:
                return matches.pop()
            try:
                return normalise(question, text)
            except AnswerError:
                return None

        def check(text: str) -> bool | str:
            if not text.strip() or (can_go_back and text.strip() == BACK_WORD):
                return True
            return True if resolve(text) else (
                "Commune inconnue : tapez un nom, un code postal ou un code INSEE (5 caractères).")

        default = next((label for label, insee in labels.items() if insee == current), "")
        hint = self._hint(question, can_go_back)
        # « inconnue » is said on Enter only, never while typing
        text = self._ask(questionary.autocomplete(
            hint, choices=list(labels), default=default,
            validate=check, match_middle=True, style=STYLE, validate_while_typing=False,
            **self.io), question.text, lambda t: None if can_go_back and t.strip() == BACK_WORD
            else self._commune_shown(resolve(t), labels) if t.strip() else "Non précisée").strip()
        if can_go_back and text == BACK_WORD:
            return BACK
        return resolve(text) if text else None

    @staticmethod
    def _commune_shown(insee: str | None, labels: dict[str, str]) -> str:
        return next((label for label, code in labels.items() if code == insee), insee or "")

    def _outside(self) -> list[tuple[str, str]]:
        """The communes of the territory's official geography that it does not cover (the
        file it was built from, when it is still there)."""
        from gradation.files.geography import read_cog

        info = self.territory.data.territory if self.territory else None
        if info is None or info.geography is None or self.territory is None:
            return []
        listed = {c.insee for c in info.communes}
        source = self.territory.path.parent / info.geography.file
        try:
            found = read_cog(source, info.geography.departements)
        except GradationError:
            return []  # the file moved: the territory's own communes still complete
        return [(c.insee, c.name) for c in found if c.insee not in listed]

    def follow_up(self, protection: bool = False) -> str | None:
        """After the result: a document to write, or None to finish; the information
        préoccupante is its own item (`protection`: a child may be at risk)."""
        choices = [Choice("Terminer", value="fin"),
                   Choice("Écrire un courrier (avis, adressage…)", value="lettre"),
                   Choice("Écrire la fiche pour le patient", value="fiche")]
        if protection:
            choices.append(Choice("Écrire l'information préoccupante (protection de l'enfant)",
                                  value="information"))
        names = {c.value: str(c.title) for c in choices}
        choice = self._ask(questionary.select(message("Et maintenant ?"), choices=choices,
                                              instruction=NO_INSTRUCTION, style=STYLE, **self.io),
                           "Et maintenant ?", names.get)
        return None if choice == "fin" else choice

    def output_path(self, document: str, default: Path) -> Path:
        text = self._ask(questionary.text(
            "Fichier à écrire (.md ou .html)", default=str(default), style=STYLE,
            validate=lambda t: bool(t.strip()) or "Un nom de fichier est nécessaire.",
            **self.io), "Fichier à écrire", str.strip)
        return Path(text.strip())

    def recipient(self, choices: list[tuple[str, str]]) -> str:
        """Whom the letter goes to, among the listed resources."""
        options = [Choice(wrap(label), value=rid) for rid, label in choices]
        names = dict(choices)
        prompt = questionary.select(message("Destinataire du courrier"), choices=options,
                                    instruction=NO_INSTRUCTION, style=STYLE, **self.io)
        return str(self._ask(prompt, "Destinataire du courrier", names.get))

    def confirm(self, text: str) -> bool:
        choices = [Choice("Non, choisir un autre nom", value=False),
                   Choice("Oui, le remplacer", value=True)]
        return bool(self._ask(questionary.select(message(text), choices=choices,
                                                 instruction=NO_INSTRUCTION, style=STYLE,
                                                 **self.io),
                              text, lambda yes: "Oui" if yes else "Non"))

    def say(self, message: str) -> None:
        """A problem to show before asking again (on the prompts' stream)."""
        stream = self.io.get("output") or sys.stderr
        stream.write(message + "\n")
        stream.flush()

    def review(self, situation: Situation, answers: Mapping[str, Any]) -> Any:
        choices: list[Any] = [Choice(RESULT_LABEL, value=SHOW_RESULT)]
        for question in situation.questions:
            if question.id in answers:
                shown = shown_answer(question, answers[question.id])
                if question.type == "commune" and self.territory is not None:
                    name = self.territory.commune_name(str(answers[question.id]))
                    shown = f"{shown} {name}" if name else shown
                text = situation.wording(question, answers)[0]  # as it was asked (by age)
                choices.append(Choice(wrap(f"Modifier : {text} — {shown}"), value=question.id))
        choices.append(Choice(BACK_LABEL, value=BACK))
        choice = self._ask(questionary.select(message("Vérifiez les réponses"), choices=choices,
                                              instruction=NO_INSTRUCTION, style=STYLE, **self.io),
                           "Vérifiez les réponses",
                           lambda c: "Voir le résultat" if c == SHOW_RESULT else None)
        return None if choice == SHOW_RESULT else choice


def ask_level(grid: Grid, situation: Situation) -> str:
    """The trainee's answer: a level, chosen by keyboard."""
    levels = [*(str(lv) for lv in sorted(situation.spec.levels)), "urgence"]
    choices = [Choice(grid.level_label(lv), value=lv) for lv in levels]
    return questionary.select("Quel niveau de recours ?", choices=choices,
                              instruction=SELECT_HINT, style=STYLE).unsafe_ask()
