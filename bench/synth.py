"""Synthetic territories and FINESS extracts of any size, in the shipped formats (fictional data)."""

from __future__ import annotations

import random
from pathlib import Path

KINDS = ["medecin-generaliste", "psychologue", "sesame", "medecine-travail", "psychiatre", "cmp",
         "cmpi", "csapa", "addictologue", "centre-cure", "hospitalisation-addictologie",
         "orthophoniste", "psychomotricien", "medecine-scolaire", "pco-tnd", "camsp", "chs",
         "hopital-de-jour", "mda", "insertion", "urgences"]


def territory(path: Path, count: int, seed: int = 1) -> Path:
    """A territory of `count` resources over count/3 communes (département 99, fictional)."""
    rng = random.Random(seed)
    communes = max(3, count // 3)
    lines = ["# Territoire synthétique FICTIF pour les mesures de performance.",
             "territory:", f"  id: synth-{count}", f'  name: "Synthétique {count}"',
             "  communes:"]
    codes = [f"99{i:03d}" if i < 1000 else f"98{i % 1000:03d}" for i in range(communes)]
    codes = list(dict.fromkeys(codes))
    for code in codes:
        lines.append(f'    - {{insee: "{code}", name: "Commune {code}", postcodes: ["{code}"]}}')
    lines.append("resources:")
    for i in range(count):
        kind = rng.choice(KINDS)
        serves = ", ".join(f'"{c}"' for c in rng.sample(codes, k=min(3, len(codes))))
        lines += [
            f"  - id: r{i}",
            f'    name: "Ressource {i} ({kind})"',
            f"    kind: {kind}",
            f"    serves: [{serves}]",
            f"    age: {{min: {rng.choice([0, 3, 12, 16, 18])}}}",
            f'    phone: "01 99 {i % 100:02d} {i // 100 % 100:02d} {rng.randrange(100):02d}"',
            f'    email: "contact{i}@example.org"',
            f'    address: "{i} rue de l\'Exemple, 99100 Exempleville"',
            '    hours: "lundi–vendredi 9h–17h"',
            "    access: [rendez-vous, sans-rendez-vous]",
            f"    wait_weeks: {rng.randrange(20)}",
            '    cost: "gratuit"',
            f"    finess: \"99{i:07d}\"",
            "    verified_on: 2026-10-01",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CATEGORIES = [("156", "Centre Médico-Psychologique (C.M.P.)", "CMP"),
              ("156", "Centre Médico-Psychologique (C.M.P.)", "CMP ENFANTS"),
              ("197", "CSAPA", "CSAPA"), ("292", "Centre Hospitalier Spécialisé", "CHS"),
              ("500", "EHPAD", "EHPAD"), ("620", "Pharmacie d'Officine", "PHARMACIE"),
              ("124", "Centre de Santé", "CENTRE DE SANTÉ"), ("603", "Maison de santé", "MSP")]


def finess(path: Path, count: int, seed: int = 1) -> Path:
    """A FINESS extract of `count` establishments (Windows-1252, CRLF), half mapped to kinds."""
    rng = random.Random(seed)
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("finess;etalab;99;2025-11-04\r\n")
        for i in range(count):
            code, label, prefix = rng.choice(CATEGORIES)
            dep = rng.choice(["99", "2A", "9A", "31"])
            fields = ["structureet", f"{i:09d}", "990000990", f"{prefix} {i}",
                      f"{prefix} DE LA VILLE {i}", "", "", str(i % 200), "R", "DES ÉCOLES", "",
                      "", f"{i % 900 + 100:03d}", dep, "DEPT", f"{i % 90000 + 10000:05d} VILLE CEDEX",
                      f"01{i:08d}"[:10], "", code, label] + [""] * 8 + [
                      "2001-01-01", "2001-01-01", "2025-06-12", ""]
            out.write(";".join(fields) + "\r\n")
        for i in range(count):
            out.write(f"geolocalisation;{i:09d};{500000 + i % 1000}.5;{6300000 + i % 5000}.1;"
                      "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2025-11-04\r\n")
    return path
