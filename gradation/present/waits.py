"""How long a resource makes a patient wait, as the documents and the screen say it: the usual
wait, how old its declaration is, a declared urgent slot."""

from __future__ import annotations

import datetime as dt

from gradation.core.schema import Resource


def weeks_text(weeks: int | None) -> str:
    """A resource's usual wait: « 3 semaines », « sans délai », « délai non renseigné »."""
    if weeks is None:
        return "délai non renseigné"
    if weeks == 0:
        return "sans délai"
    return f"{weeks} semaine{'s' if weeks > 1 else ''}"


def declared_age(res: Resource, today: dt.date | None) -> str | None:
    """How old a declared wait is: « déclaré ce mois-ci », « déclaré il y a 3 mois », « … il y a
    1 an et 2 mois »."""
    if res.wait_as_of is None or res.wait_weeks is None or today is None:
        return None
    day = res.wait_as_of
    months = (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)
    if months <= 0:
        return "déclaré ce mois-ci"
    years, rest = divmod(months, 12)
    parts = ([f"{years} an{'s' if years > 1 else ''}"] if years else []) + (
        [f"{rest} mois"] if rest else [])
    return "déclaré il y a " + " et ".join(parts)


def wait_with_age(res: Resource, today: dt.date | None) -> str:
    """« 8 semaines, déclaré il y a 3 mois »."""
    age = declared_age(res, today)
    return weeks_text(res.wait_weeks) + (f", {age}" if age else "")


def urgent_days_text(days: int) -> str:
    """An urgent slot's delay: « le jour même », « sous 2 jours »."""
    return "le jour même" if days == 0 else f"sous {days} jour{'s' if days > 1 else ''}"


def urgent_text(res: Resource, today: dt.date | None) -> str | None:
    """A declared urgent slot: « reçoit en urgence sous 2 jours (déclaré le 01/10/2026) », and
    when the declaration is over six months old, that it no longer counts."""
    if res.urgent_days is None:
        return None
    text = f"reçoit en urgence {urgent_days_text(res.urgent_days)}, sur demande du médecin"
    if res.wait_as_of is not None:
        text += f" (déclaré le {res.wait_as_of.strftime('%d/%m/%Y')}"
        text += ", plus de six mois : à vérifier)" if res.urgent_is_stale(today) else ")"
    return text
