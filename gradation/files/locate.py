"""Where the files are: the shipped grids, shipped territories, the configured territory."""

from __future__ import annotations

import os
from pathlib import Path

from gradation.core.suggest import suggest
from gradation.errors import LoadError, Problem
from gradation.files.config import read_config

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.


def default_grids_dir() -> Path:
    """The grids of the installed package, or of the source checkout."""
    override = os.environ.get("GRADATION_GRIDS")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parents[1]  # gradation/
    # installed: gradation/grids (force-included in the wheel); a checkout: grids/ beside it
    for candidate in (package / "grids", package.parent / "grids"):
        if (candidate / "model.yaml").is_file():
            return candidate
    raise LoadError([Problem(str(package / "grids"), 0, 0, "grilles par défaut introuvables")],
                    "la grille ne peut pas être chargée")



def shipped_territories(grids: Path) -> dict[str, Path]:
    folder = grids / "territories"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}

def resolve_territory(value: str | None, grids: Path) -> Path:
    """`--territory ID|PATH`, else GRADATION_TERRITORY, else the configured one, else `demo`."""
    from gradation.errors import GradationError

    if not value:
        value = os.environ.get("GRADATION_TERRITORY") or _configured_territory() or "demo"
    shipped = shipped_territories(grids)
    if value in shipped:
        return shipped[value]
    path = Path(value)
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1 or path.exists():
        if not path.exists():
            raise GradationError(f"fichier de territoire introuvable : {value}")
        from gradation.files.atomic import require_regular

        require_regular(path, 1 << 40)  # a FIFO or a device: refused, never waited on
        return path
    raise GradationError(
        f"territoire « {value} » inconnu{suggest(value, shipped)} : donnez l'identifiant d'un "
        f"territoire fourni ({', '.join(shipped)}) ou le chemin d'un fichier .yaml"
    )

def _configured_territory() -> str | None:
    """The territory of the user's configuration (files.config)."""
    return read_config().territory
