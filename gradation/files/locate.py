"""Where the files are: the shipped grids, shipped territories, the configured territory."""

from __future__ import annotations

import os
from pathlib import Path

from gradation.core.suggest import suggest
from gradation.errors import LoadError, Problem, os_error_text
from gradation.files.problems import yamlio

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

def config_file() -> Path:
    """GRADATION_CONFIG_DIR/config.yaml, else the platform's configuration folder's."""
    override = os.environ.get("GRADATION_CONFIG_DIR")
    if override:
        return Path(override) / "config.yaml"
    from platformdirs import user_config_path

    return user_config_path("gradation", appauthor=False) / "config.yaml"

def _configured_territory() -> str | None:
    """The territory of the user's configuration; a configuration that does not load is an
    error that names it (never a silent fall back on the fictional demo)."""
    path = config_file()
    try:
        if not path.exists():
            return None
        data, problems = yamlio().read_yaml(path)
        if any(p.is_error for p in problems):  # a key twice: never keep one silently
            raise yamlio().ProblemsFound(problems)
    except yamlio().ProblemsFound as exc:
        raise LoadError(exc.problems, "la configuration ne peut pas être lue ; corrigez-la ou "
                        "choisissez un territoire (gradation territory use)") from None
    except OSError as exc:

        raise LoadError([Problem(str(path), 0, 0, f"lecture impossible ({os_error_text(exc)})")],
                        "la configuration ne peut pas être lue") from None
    value = data.get("territory") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise LoadError([Problem(str(path), 1, 1, "clé « territory » attendue (identifiant ou "
                                 "chemin d'un territoire)")], "la configuration ne peut pas "
                        "être lue")
    return value
