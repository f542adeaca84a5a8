"""The words of a FINESS extract made readable: names and towns in capitals given their case
back, « R » given back as « rue », phone numbers spaced, « CEDEX » dropped."""

from __future__ import annotations

import re
import unicodedata

STREET_TYPES = {
    "R": "rue", "AV": "avenue", "BD": "boulevard", "PL": "place", "RTE": "route",
    "IMP": "impasse", "CHE": "chemin", "CHEM": "chemin", "ALL": "allée", "QU": "quai",
    "QUAI": "quai", "CRS": "cours", "SQ": "square", "PAS": "passage", "PASS": "passage",
    "FG": "faubourg", "RES": "résidence", "LOT": "lotissement", "VOIE": "voie", "CITE": "cité",
    "ESP": "esplanade", "PROM": "promenade", "SEN": "sentier", "HAM": "hameau", "MTE": "montée",
    "RPT": "rond-point", "ZA": "ZA", "ZI": "ZI", "ZAC": "ZAC", "PARC": "parc", "CAR": "carrefour",
}
ACRONYMS = {"BP", "CS", "TSA", "ZA", "ZI", "ZAC",
            "CMP", "CMPP", "CATTP", "CHS", "CSAPA", "CAARUD", "CAMSP", "SESSAD", "ESAT", "SAMSAH",
            "EAM", "FAM", "MAS", "MSP", "DAC", "MDPH", "CH", "CHU", "CHR", "SPST", "EHPAD", "MDA",
            "CMPI", "CMPEA", "IME", "ITEP", "SAVS", "PAEJ", "CPTS", "CCAS", "UDAF", "APF", "ADAPEI",
            "GHT", "HDJ", "CEDEX", "II", "III", "IV", "SA", "SAS", "SARL"}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "aux", "au", "à"}


def smart_title(text: str, capital_first: bool = True) -> str:
    """« CENTRE MEDICO-PSYCHOLOGIQUE D'EXEMPLEVILLE » →
    « Centre Medico-Psychologique d'Exempleville »."""
    words = []
    for i, word in enumerate(text.split()):
        parts: list[str] = []
        for part in re.split(r"(-)", word):
            first = (i == 0 and not parts and capital_first) or (not parts and word.startswith("("))
            upper = part.upper()
            if upper in ACRONYMS or upper.strip("();,.:«»\"") in ACRONYMS:
                parts.append(upper)
            elif part[:1] in "(\"«" and len(part) > 1:
                parts.append(part[0] + part[1:].capitalize())
            elif "'" in part:
                head, _, tail = part.partition("'")
                parts.append(f"{head.capitalize() if first else head.lower()}'{tail.capitalize()}")
            elif part.lower() in SMALL_WORDS and not first:
                parts.append(part.lower())
            else:
                parts.append(part.capitalize())
        words.append("".join(parts))
    return " ".join(words)


def format_phone(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return None


def split_routing(line: str) -> tuple[str | None, str]:
    """« 99300 BOISJOLI CEDEX 09 » → ("99300", "Boisjoli")."""
    match = re.match(r"^\s*(\d{5})\s+(.*)$", line)
    postcode, town = (match.group(1), match.group(2)) if match else (None, line)
    town = re.sub(r"\s+CEDEX(\s+\d+)?\s*$", "", town.strip(), flags=re.IGNORECASE)
    return postcode, smart_title(town)


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].strip("-") or "etablissement"


def street(fields: list[str]) -> str:
    """« 1 bis rue des Écoles »: number, repetition, street type, name."""
    street_type = fields[8].strip().upper()
    return " ".join(p for p in (
        fields[7].strip(),
        fields[10].strip().lower(),  # bis, ter …
        STREET_TYPES.get(street_type, street_type.lower()),
        smart_title(fields[9].strip(), capital_first=not street_type),
    ) if p)
