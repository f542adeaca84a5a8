"""Letters by purpose, drafted from a result for one recipient among the listed resources.

- `avis`: an opinion request to a specialist (HAS 2018 guide on GP–psychiatry coordination:
  the question, symptoms and diagnostic hypotheses, what is expected of shared care, options,
  treatments, history);
- `adressage`: a referral for follow-up (psychologist, CSAPA, MDA …);
- `urgence`: a short transfer note for an emergency;
- `travail`: to occupational medicine or the médecin conseil, with the patient's agreement;
- `information-preoccupante`: for a child at risk, the page that helps write an information
  préoccupante to the département's CRIP — never a letter to the family.
"""

from __future__ import annotations

import datetime as dt

from gradation.core.decision import display_answer
from gradation.core.model import SAFETY_RED_FLAGS, Grid
from gradation.core.result import Result
from gradation.core.schema import Resource
from gradation.errors import GradationError
from gradation.present.documents import Block, Place, footer, urgency_banner

PURPOSES = ("avis", "adressage", "urgence", "travail", "information-preoccupante")
TITLES = {
    "avis": "Demande d'avis spécialisé (brouillon)",
    "adressage": "Courrier d'adressage (brouillon)",
    "urgence": "Transfert en urgence (brouillon)",
    "travail": "Courrier au médecin du travail ou au médecin conseil (brouillon)",
    "information-preoccupante": "Information préoccupante — aide à la rédaction",
}


def _kind(grid: Grid, kind: str) -> object:
    return next(k for k in grid.model.kinds if k.id == kind)


def recipients(result: Result, grid: Grid) -> list[Resource]:
    """Who a letter may go to: the listed resources, never a GP, MSP or centre de santé (the
    patient stays with the médecin traitant)."""
    listed = [*result.resources, *result.alongside, *result.bridge, *result.fallback]
    seen: set[str] = set()
    out = []
    for res in listed:
        if res.id not in seen and not getattr(_kind(grid, res.kind), "primary_doctor", False):
            seen.add(res.id)
            out.append(res)
    return out


def _child_at_risk(result: Result) -> bool:
    answers = result.answers
    return answers.get("maltraitance_suspectee") is True or answers.get("enfant_en_danger") is True


def choose(result: Result, grid: Grid, purpose: str | None, recipient_id: str | None
           ) -> tuple[str, Resource | None]:
    """The purpose and the recipient of a letter, from the result unless given."""
    if purpose is not None and purpose not in PURPOSES:
        raise GradationError(f"courrier « {purpose} » inconnu (courriers : {', '.join(PURPOSES)})")
    candidates = recipients(result, grid)
    recipient = candidates[0] if candidates else None
    if recipient_id is not None:
        recipient = next((r for r in candidates if r.id == recipient_id), None)
        if recipient is None:
            shown = ", ".join(r.id for r in candidates) or "aucun"
            raise GradationError(f"destinataire « {recipient_id} » absent des ressources "
                                 f"proposées (possibles : {shown})")
    if purpose is None:
        purpose = _default_purpose(result, grid, recipient)
    if purpose in ("avis", "adressage", "travail") and recipient is None:
        if result.level == "1":
            raise GradationError("Au niveau 1, le patient reste suivi par son médecin traitant :"
                                 " pas de courrier à un autre médecin généraliste. Un courrier "
                                 "est possible pour un psychologue de la liste ; ici, il n'y en "
                                 "a pas.")
        raise GradationError("aucune ressource proposée à qui écrire pour ce patient")
    return purpose, recipient


def _default_purpose(result: Result, grid: Grid, recipient: Resource | None) -> str:
    if result.answers.get("maltraitance_suspectee") is True and result.level != "urgence":
        return "information-preoccupante"
    if result.level == "urgence":
        return "urgence"
    kind = _kind(grid, recipient.kind) if recipient is not None else None
    if kind is not None and getattr(kind, "complements", False):
        return "travail"
    if result.level != "1" and kind is not None and getattr(kind, "opinion", False):
        return "avis"
    return "adressage"


def clinical_sentences(result: Result) -> list[str]:
    """The answers as sentences; the negative red flags in one line."""
    flags = dict(SAFETY_RED_FLAGS)
    out, positive = [], False
    for question in result.situation.questions:
        if question.id == "commune" or question.id not in result.answers:
            continue
        value = result.answers[question.id]
        if question.id in flags and value == flags[question.id]:
            positive = True
        elif question.id in flags and question.id != "risque_suicidaire":
            continue  # a negative red flag: in the summary line
        sentence = question.statement(value)
        if question.screen == "context" and question.type == "choice" and (
                value == question.choice_ids()[0]):
            continue  # « ni grossesse ni post-partum » is no clinical element
        if sentence is None and value is not None and question.type == "choice":
            sentence = f"{question.text.rstrip(' ?')} : {display_answer(question, value)}."
        if sentence:
            out.append(sentence)
    if not positive:
        out.append("Pas de signe d'urgence : ni tentative de suicide récente non évaluée, ni "
                   "trouble sévère avec mise en danger, ni danger pour autrui, ni agitation "
                   "sévère, ni confusion, ni intoxication aiguë.")
    return out


def _motifs(result: Result) -> str:
    level = [r for r in result.reasons if r.level == result.level] or result.reasons
    return " ; ".join(dict.fromkeys(r.text.split(" : ")[0].lower() for r in level))


def _salutation(grid: Grid, recipient: Resource | None) -> tuple[str, str]:
    if recipient is not None and getattr(_kind(grid, recipient.kind), "physician", False):
        return "Chère consœur, cher confrère,", "Bien confraternellement,"
    return "Madame, Monsieur,", "Avec mes remerciements, je vous prie d'agréer mes salutations."


def letter_blocks(result: Result, grid: Grid, today: dt.date, purpose: str | None = None,
                  recipient_id: str | None = None) -> list[Block]:
    purpose, recipient = choose(result, grid, purpose, recipient_id)
    if purpose == "information-preoccupante":
        return information_blocks(result, grid, today)
    blocks: list[Block] = [("title", TITLES[purpose])]
    banner = urgency_banner(result)
    if banner:
        blocks.append(banner)
    blocks.append(("p", f"Le {today.strftime('%d/%m/%Y')}"))
    if recipient is not None:
        address = [("Adresse", recipient.address)] if recipient.address else []
        blocks += [("h2", "Destinataire"),
                   ("places", [Place(recipient.name, grid.kind_label(recipient.kind),
                                     lines=address, phone=recipient.phone)])]
    hello, goodbye = _salutation(grid, recipient)
    blocks += [("p", "Patient(e) : nom, prénom et date de naissance à compléter à la main "
                     "(gradation ne demande ni ne garde aucune identité)."), ("p", hello)]
    blocks += BODIES[purpose](result)
    blocks += [("p", "Je reste à votre disposition."), ("p", goodbye), ("fill", "signature"),
               ("p", "Courrier à transmettre par une messagerie sécurisée de santé."),
               footer(result, grid)]
    return blocks


def _avis(result: Result) -> list[Block]:
    return [
        ("h2", "Ma question"),
        ("p", "Pourriez-vous donner votre avis diagnostique et thérapeutique sur la situation de "
              f"ce patient ({_motifs(result)}), et me dire si un suivi conjoint vous paraît "
              "utile ?"),
        ("h2", "Symptômes et hypothèses diagnostiques"), ("fill", "à compléter"),
        ("h2", "Éléments cliniques"), ("ul", clinical_sentences(result)),
        ("h2", "Ce qui motive l'orientation"),
        ("ul", [f"{r.text} ({r.source})" for r in result.reasons]),
        ("h2", "Ce que j'attends du suivi partagé"),
        ("ul", ["un avis diagnostique et une proposition thérapeutique ;",
                "les modalités d'un suivi conjoint, et qui fait quoi ;",
                "un retour d'information au médecin traitant après la consultation."]),
        ("h2", "Options thérapeutiques envisagées"), ("fill", "à compléter"),
        ("h2", "Traitements en cours"), ("fill", "à compléter"),
        ("h2", "Antécédents (psychiatriques, somatiques, addictologiques)"),
        ("fill", "à compléter"),
    ]


def _adressage(result: Result) -> list[Block]:
    return [
        ("h2", "Motif"),
        ("p", f"Je vous adresse ce patient pour un suivi ({_motifs(result)}). Pourriez-vous le "
              "recevoir ?"),
        ("h2", "Symptômes et hypothèses diagnostiques"), ("fill", "à compléter"),
        ("h2", "Éléments cliniques"), ("ul", clinical_sentences(result)),
        ("h2", "Ce que j'attends"),
        ("ul", ["une prise en charge adaptée ;",
                "un retour d'information au médecin traitant, qui reste l'interlocuteur du "
                "patient."]),
        ("h2", "Traitements en cours"), ("fill", "à compléter"),
    ]


def _urgence(result: Result) -> list[Block]:
    flags = [r for r in result.reasons if r.level == "urgence"]
    return [
        ("h2", "Motif du transfert"), ("ul", [r.text for r in flags]),
        ("h2", "Éléments cliniques"), ("ul", clinical_sentences(result)),
        ("h2", "Examen somatique, constantes"), ("fill", "à compléter"),
        ("h2", "Traitements en cours, allergies"), ("fill", "à compléter"),
        ("h2", "Personne qui accompagne, personne à prévenir"), ("fill", "à compléter"),
        ("h2", "Heure de départ, mode de transport, médecin joignable au"), ("fill", "à compléter"),
    ]


def _travail(result: Result) -> list[Block]:
    work = [r.text for r in result.reasons if "travail" in r.text.lower()]
    return [
        ("h2", "Motif"),
        ("p", "Avec l'accord du patient, je vous signale un retentissement de sa santé sur son "
              "travail. Une visite de pré-reprise, un aménagement du poste ou un accompagnement "
              "vous paraissent-ils possibles ?"),
        ("ul", work or [r.text for r in result.reasons]),
        ("h2", "Éléments utiles, avec l'accord du patient"), ("fill", "à compléter"),
        ("p", "Ce courrier ne contient que les éléments nécessaires, dans le respect du secret "
              "médical."),
    ]


BODIES = {"avis": _avis, "adressage": _adressage, "urgence": _urgence, "travail": _travail}


def information_blocks(result: Result, grid: Grid, today: dt.date) -> list[Block]:
    """For a child who may be at risk: how to write an information préoccupante, and when a
    signalement to the procureur is needed. Never a document for the family."""
    immediate = result.answers.get("enfant_en_danger") is True
    blocks: list[Block] = [("title", "Information préoccupante — aide à la rédaction")]
    if immediate:
        blocks.append(("banner", ("DANGER IMMÉDIAT — protéger l'enfant d'abord : 15, 17, "
                                  "signalement au procureur de la République", True)))
    blocks += [
        ("p", f"Le {today.strftime('%d/%m/%Y')}. Document pour le médecin : ne pas le remettre "
              "à la famille."),
        ("h2", "À qui l'adresser"),
        ("ul", ["Danger sans caractère immédiat : une information préoccupante à la CRIP "
                "(cellule de recueil des informations préoccupantes) du département.",
                "Danger immédiat ou violences sexuelles suspectées : un signalement au procureur "
                "de la République (avec copie à la CRIP), et la protection de l'enfant (le 15, "
                "le 17, souvent une hospitalisation en pédiatrie).",
                "Le 119 (Allô enfance en danger) conseille les professionnels, 24 h/24."]),
        ("h2", "Ce qu'il faut écrire"),
        ("ul", ["les faits constatés, datés, sans interprétation ;",
                "les propos de l'enfant ou de l'entourage, mot pour mot, entre guillemets ;",
                "qui vit avec l'enfant, qui en a la garde ;",
                "ce qui a déjà été fait (examen, orientation, appel au 119)."]),
        ("h2", "Enfant (nom, prénom, date de naissance, adresse)"), ("fill", "à compléter"),
        ("h2", "Faits constatés (date, lieu, examen)"), ("fill", "à compléter"),
        ("h2", "Propos rapportés (entre guillemets)"), ("fill", "à compléter"),
        ("h2", "Contexte familial et démarches déjà faites"), ("fill", "à compléter"),
        ("fill", "date, signature et cachet du médecin"),
        ("p", "Sources : HAS, fiche mémo Maltraitance chez l'enfant : repérage et conduite à "
              "tenir (2014, mise à jour 2017) ; CASF art. L.226-3 (CRIP) ; Code pénal art. "
              "226-14 (signalement par le médecin)."),
        footer(result, grid),
    ]
    return blocks
