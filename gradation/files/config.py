"""The user's configuration: the territory used by default and the GP's identity.

    territory: cpts-du-val            # gradation territory use
    praticien:                        # gradation config praticien
      nom: "Dr Marie Durand"
      rpps: "10001234567"
      adresse: "3 rue des Lilas, 99100 Exempleville"
      telephone: "01 99 00 00 10"
      mssante: "marie.durand@medecin.mssante.fr"

Read and checked as any file the tool reads (a key twice, a line break in a name: an error that
names the file); written whole, atomically, readable by its owner only (an identity).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictStr

from gradation.core.schema_base import Line, _Strict
from gradation.errors import LoadError, Problem, os_error_text
from gradation.files.marked import ProblemsFound
from gradation.files.problems import validate

PRATICIEN_FIELDS = {"nom": "Nom (tel qu'il signe : Dr …)", "rpps": "Numéro RPPS (11 chiffres)",
                    "adresse": "Adresse du cabinet", "telephone": "Téléphone du cabinet",
                    "mssante": "Adresse de messagerie sécurisée (MSSanté)"}


def config_file() -> Path:
    """GRADATION_CONFIG_DIR/config.yaml, else the platform's configuration folder's."""
    override = os.environ.get("GRADATION_CONFIG_DIR")
    if override:
        return Path(override) / "config.yaml"
    from platformdirs import user_config_path

    return user_config_path("gradation", appauthor=False) / "config.yaml"


class Praticien(_Strict):
    nom: Line | None = None
    rpps: Annotated[StrictStr, Field(pattern=r"^[0-9]{11}$")] | None = None
    adresse: Line | None = None
    telephone: Line | None = None
    mssante: Annotated[StrictStr, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None

    def lines(self) -> list[str]:
        """The letterhead: the name, then what is known of the rest."""
        return [line for line in (
            self.nom, f"RPPS {self.rpps}" if self.rpps else None, self.adresse,
            f"Tél. {self.telephone}" if self.telephone else None,
            f"MSSanté : {self.mssante}" if self.mssante else None) if line]


class Config(_Strict):
    territory: Annotated[StrictStr, Field(min_length=1)] | None = None
    praticien: Praticien | None = None


def read_config() -> Config:
    """The configuration (empty when there is none); one that does not load is an error that
    names it, never a silent default."""
    path = config_file()
    consequence = "la configuration ne peut pas être lue ; corrigez-la ou réécrivez-la " \
                  "(gradation territory use, gradation config praticien)"
    from gradation.files.yamlio import read_yaml  # the parser, only when a file is read

    try:
        if not path.exists():
            return Config()
        data, problems = read_yaml(path)
        if any(p.is_error for p in problems):  # a key twice: never keep one silently
            raise ProblemsFound(problems)
    except ProblemsFound as exc:
        raise LoadError(exc.problems, consequence) from None
    except OSError as exc:
        raise LoadError([Problem(str(path), 0, 0, f"lecture impossible ({os_error_text(exc)})")],
                        consequence) from None
    if data is None:
        return Config()
    found: list[Problem] = []
    config = validate(Config, data, found, str(path))
    if config is None:
        raise LoadError(found, consequence)
    return config


def write_config(config: Config) -> None:
    """The whole configuration, in one step, readable by its owner only."""
    import json

    from gradation.files.safe import write_atomic

    lines = ["# Configuration de gradation (gradation territory use, gradation config praticien)"]
    if config.territory is not None:
        lines.append("territory: " + json.dumps(config.territory, ensure_ascii=False))
    if config.praticien is not None and config.praticien.model_dump(exclude_none=True):
        lines.append("praticien:")
        for key, value in config.praticien.model_dump(exclude_none=True).items():
            lines.append(f"  {key}: " + json.dumps(value, ensure_ascii=False))
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, "\n".join(lines) + "\n", private=True)


def with_changes(config: Config, **changes: Any) -> Config:
    return Config.model_validate({**config.model_dump(exclude_none=True), **changes})
