"""Letters by purpose, written from a result for one recipient among the listed resources,
after the HAS 2018 guide on GP–psychiatry coordination (the question asked, the clinical
picture, treatments, history and context, the urgency, the expected shared follow-up):

- `avis`: an opinion request to a specialist;
- `adressage`: a referral for follow-up (psychologist, CSAPA, MDA …);
- `suivi`: to the team that already follows the patient;
- `urgence`: a short transfer note (urgence or an evaluation within 72 hours);
- `travail`: to occupational medicine or the médecin conseil, with the patient's agreement
  (from 16);
- `information-preoccupante`: for a child at risk, the page that helps write an information
  préoccupante to the département's CRIP — its own document, never a letter to the family;
  no other letter names the suspicion.

The GP's identity (`gradation config praticien`) heads and signs each letter; without it, a
blank to fill, never a made-up name. No draft mark, no note of the tool, no grid footer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gradation.core.decision import display_answer
from gradation.core.model import SAFETY_RED_FLAGS, Grid
from gradation.core.result import Result
from gradation.core.schema import Resource
from gradation.errors import GradationError
from gradation.present.documents import Block, Place, urgency_banner

PURPOSES = ("avis", "adressage", "suivi", "urgence", "travail", "information-preoccupante")
TITLES = {
    "avis": "Demande d'avis spécialisé",
    "adressage": "Courrier d'adressage",
    "suivi": "Courrier à l'équipe qui suit le patient",
    "urgence": "Transfert en urgence",
    "travail": "Courrier au médecin du travail ou au médecin conseil",
    "information-preoccupante": "Information préoccupante — aide à la rédaction",
}
# What a suspicion of maltreatment is told in: the information préoccupante only.
PROTECTION = ("maltraitance_suspectee", "enfant_en_danger")


def recipients(result: Result, grid: Grid) -> list[Resource]:
    """Who a letter may go to: the listed resources, never a GP, MSP or centre de santé (the
    patient stays with the médecin traitant)."""
    listed = [*result.resources, *result.alongside, *result.bridge, *result.fallback]
    seen: set[str] = set()
    out = []
    for res in listed:
        if res.id not in seen and not getattr(grid.kind(res.kind), "primary_doctor", False):
            seen.add(res.id)
            out.append(res)
    return out


def child_at_risk(result: Result) -> bool:
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
    _check_purpose(result, purpose)
    if purpose in ("avis", "adressage", "travail") and recipient is None:
        if result.level == "1":
            raise GradationError("Au niveau 1, le patient reste suivi par son médecin traitant :"
                                 " pas de courrier à un autre médecin généraliste. Un courrier "
                                 "est possible pour un psychologue de la liste ; ici, il n'y en "
                                 "a pas.")
        raise GradationError("aucune ressource proposée à qui écrire pour ce patient")
    return purpose, recipient


def _check_purpose(result: Result, purpose: str) -> None:
    """A purpose that does not fit the result is refused (exit 2), with the reason."""
    age = result.answers.get("age")
    if purpose == "travail" and isinstance(age, int) and age < 16:
        raise GradationError(f"courrier « travail » refusé : le patient a {age} ans ; la "
                             "médecine du travail et le médecin conseil concernent les "
                             "patients de 16 ans et plus")
    if purpose == "urgence" and result.level != "urgence" and result.delay != "sous-72h":
        raise GradationError("courrier « urgence » refusé : le résultat n'est ni une urgence ni "
                             "une évaluation sous 72 h (courriers possibles : avis, adressage)")
    if purpose == "information-preoccupante" and not child_at_risk(result):
        raise GradationError("information préoccupante refusée : aucune suspicion de "
                             "maltraitance ni enfant en danger dans les réponses")


def _default_purpose(result: Result, grid: Grid, recipient: Resource | None) -> str:
    if result.level == "urgence" or result.delay == "sous-72h":
        return "urgence"
    kind = grid.kind(recipient.kind) if recipient is not None else None
    age = result.answers.get("age")
    if kind is not None and getattr(kind, "complements", False) and not (
            isinstance(age, int) and age < 16):
        return "travail"
    if result.answers.get("suivi_psychiatrique") is True and kind is not None and getattr(
            kind, "opinion", False):
        return "suivi"
    if result.level != "1" and kind is not None and getattr(kind, "opinion", False):
        return "avis"
    return "adressage"


def _sentence(question: Any, value: Any) -> str | None:
    """One answer as a sentence of the letter, or None (a context screen's « aucun » is no
    clinical element)."""
    if question.screen == "context" and question.type == "choice" and (
            value == question.choice_ids()[0]):
        return None
    sentence = question.statement(value)
    if sentence is None and value is not None and question.type == "choice":
        sentence = f"{question.text.rstrip(' ?')} : {display_answer(question, value)}."
    return sentence or None


def clinical_sentences(result: Result, protection: bool = False) -> list[str]:
    """The answers as sentences; the negative red flags in one line. A suspicion of
    maltreatment only with `protection` (the information préoccupante)."""
    flags = dict(SAFETY_RED_FLAGS)
    out, positive = [], False
    for question in result.situation.questions:
        qid = question.id
        if qid == "commune" or qid not in result.answers or (qid in PROTECTION
                                                              and not protection):
            continue
        value = result.answers[qid]
        if qid in flags and value == flags[qid]:
            positive = True
        elif qid in flags and qid != "risque_suicidaire":
            continue  # a negative red flag: in the summary line
        sentence = _sentence(question, value)
        if sentence:
            out.append(sentence)
    if not positive:
        out.append("Pas de signe d'urgence : ni tentative de suicide récente non évaluée, ni "
                   "trouble sévère avec mise en danger, ni danger pour autrui, ni agitation "
                   "sévère, ni confusion, ni intoxication aiguë.")
    return out


def _lowered(text: str) -> str:
    """« Retentissement … » → « retentissement … »; « PHQ-9 … », « TND … » as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _motifs(result: Result) -> str:
    level = [r for r in result.reasons if r.level == result.level] or result.reasons
    return " ; ".join(dict.fromkeys(_lowered(r.text.split(" : ")[0]) for r in level))


def _salutation(grid: Grid, recipient: Resource | None) -> tuple[str, str]:
    if recipient is not None and getattr(grid.kind(recipient.kind), "physician", False):
        return "Chère consœur, cher confrère,", "Bien confraternellement,"
    return "Madame, Monsieur,", "Avec mes remerciements, je vous prie d'agréer mes salutations."


HOW_SOON = {"sans-delai": "Sans délai : transfert en cours.",
            "sous-72h": "Une évaluation psychiatrique dans les 72 heures.",
            "rapide": "Un rendez-vous dans la semaine, si possible.",
            "programme": "Un rendez-vous dans votre délai habituel."}


def letter_blocks(result: Result, grid: Grid, today: dt.date, purpose: str | None = None,
                  recipient_id: str | None = None, praticien: Any = None) -> list[Block]:
    purpose, recipient = choose(result, grid, purpose, recipient_id)
    if purpose == "information-preoccupante":
        return information_blocks(result, grid, today, praticien)
    blocks: list[Block] = [*_letterhead(praticien), ("title", TITLES[purpose])]
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
    blocks += [("fill", "Patient(e) : nom, prénom, date de naissance"), ("p", hello)]
    blocks += BODIES[purpose](result)
    blocks += [("p", "Je reste à votre disposition."), ("p", goodbye),
               *_signature(praticien)]
    return blocks


def _letterhead(praticien: Any) -> list[Block]:
    if praticien is None or not praticien.nom:
        return [("fill", "Médecin : nom, RPPS, adresse, téléphone, messagerie sécurisée")]
    return [("p", " · ".join(praticien.lines()))]


def _signature(praticien: Any) -> list[Block]:
    if praticien is None or not praticien.nom:
        return [("fill", "signature")]
    return [("p", praticien.nom + (f" (RPPS {praticien.rpps})" if praticien.rpps else ""))]


def _common(result: Result) -> list[Block]:
    """What every letter of care says: the picture, treatments, history, the urgency."""
    return [
        ("h2", "Éléments cliniques"), ("ul", clinical_sentences(result)),
        ("h2", "Traitements en cours"), ("fill", "à compléter"),
        ("h2", "Antécédents et contexte (psychiatriques, somatiques, addictologiques, "
               "familiaux, sociaux)"), ("fill", "à compléter"),
        ("h2", "Délai souhaité"), ("p", HOW_SOON[result.delay]),
    ]


def _avis(result: Result) -> list[Block]:
    return [
        ("h2", "Ma question"),
        ("p", "Pourriez-vous donner votre avis diagnostique et thérapeutique sur la situation de "
              f"ce patient ({_motifs(result)}), et me dire si un suivi conjoint vous paraît "
              "utile ?"),
        ("h2", "Symptômes et hypothèses diagnostiques"), ("fill", "à compléter"),
        *_common(result),
        ("h2", "Ce que j'attends du suivi partagé"),
        ("ul", ["un avis diagnostique et une proposition thérapeutique ;",
                "les modalités d'un suivi conjoint, et qui fait quoi ;",
                "un retour d'information au médecin traitant après la consultation."]),
    ]


def _adressage(result: Result) -> list[Block]:
    return [
        ("h2", "Ma demande"),
        ("p", f"Je vous adresse ce patient pour un suivi ({_motifs(result)}). Pourriez-vous le "
              "recevoir ?"),
        ("h2", "Symptômes et hypothèses diagnostiques"), ("fill", "à compléter"),
        *_common(result),
        ("h2", "Ce que j'attends"),
        ("ul", ["une prise en charge adaptée ;",
                "un retour d'information au médecin traitant, qui reste l'interlocuteur du "
                "patient."]),
    ]


def _suivi(result: Result) -> list[Block]:
    return [
        ("h2", "Ma demande"),
        ("p", f"Votre équipe suit ce patient. Je l'ai vu ce jour ({_motifs(result)}) : "
              "pourriez-vous le revoir, et me dire ce qui change dans son suivi ?"),
        ("h2", "Ce qui a changé"), ("fill", "à compléter"),
        *_common(result),
        ("h2", "Ce que j'attends"),
        ("ul", ["un rendez-vous dans le délai souhaité ;",
                "un retour d'information au médecin traitant."]),
    ]


def _urgence(result: Result) -> list[Block]:
    why = [r.text.split(" : ")[0] for r in result.reasons
           if r.level == "urgence" or r.delay == "sous-72h"] or [_motifs(result)]
    return [
        ("h2", "Motif du transfert"), ("ul", list(dict.fromkeys(why))),
        ("h2", "Éléments cliniques"), ("ul", clinical_sentences(result)),
        ("h2", "Examen somatique, constantes"), ("fill", "à compléter"),
        ("h2", "Traitements en cours, allergies"), ("fill", "à compléter"),
        ("h2", "Personne qui accompagne, personne à prévenir"), ("fill", "à compléter"),
        ("h2", "Heure de départ, mode de transport, médecin joignable au"), ("fill", "à compléter"),
    ]


def _travail(result: Result) -> list[Block]:
    work = [r.text.split(" : ")[0] for r in result.reasons if "travail" in r.text.lower()]
    return [
        ("h2", "Ma demande"),
        ("p", "Avec l'accord du patient, je vous signale un retentissement de sa santé sur son "
              "travail. Une visite de pré-reprise, un aménagement du poste ou un accompagnement "
              "vous paraissent-ils possibles ?"),
        ("ul", work or [_motifs(result)]),
        ("h2", "Éléments utiles, avec l'accord du patient"), ("fill", "à compléter"),
        ("p", "Ce courrier ne contient que les éléments nécessaires, dans le respect du secret "
              "médical."),
    ]


BODIES = {"avis": _avis, "adressage": _adressage, "suivi": _suivi, "urgence": _urgence,
          "travail": _travail}


def _crip(result: Result) -> list[str]:
    """The CRIP of the territory when the coordinator wrote it, else how to find it."""
    crip = result.territory.data.territory.crip if result.territory is not None else None
    if crip is None:
        return ["CRIP (cellule de recueil des informations préoccupantes) du conseil "
                "départemental : ses coordonnées sont sur le site du département ; le 119 les "
                "donne aussi."]
    parts = [crip.name, *(x for x in (crip.phone and f"tél. {crip.phone}", crip.email,
                                      crip.address) if x)]
    return [" · ".join(parts)]


def information_blocks(result: Result, grid: Grid, today: dt.date,
                       praticien: Any = None) -> list[Block]:
    """For a child who may be at risk: how to write an information préoccupante, and when a
    signalement to the procureur is needed. Never a document for the family."""
    immediate = result.answers.get("enfant_en_danger") is True
    blocks: list[Block] = [*_letterhead(praticien),
                           ("title", "Information préoccupante — aide à la rédaction")]
    if immediate:
        blocks.append(("banner", ("DANGER IMMÉDIAT — protéger l'enfant d'abord : 15, 17, "
                                  "signalement au procureur de la République", True)))
    blocks += [
        ("p", f"Le {today.strftime('%d/%m/%Y')}. Document pour le médecin : ne pas le remettre "
              "à la famille."),
        ("h2", "À qui l'adresser"),
        ("ul", ["Danger sans caractère immédiat : une information préoccupante à la CRIP du "
                "département :", *_crip(result),
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
        *_signature(praticien),
        ("p", "Sources : HAS, fiche mémo Maltraitance chez l'enfant : repérage et conduite à "
              "tenir (2014, mise à jour 2017) ; CASF art. L.226-3 (CRIP) ; Code pénal art. "
              "226-14 (signalement par le médecin)."),
    ]
    return blocks
