"""Results as data: the JSON object of the contract (no terminal, no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.core.schema import Resource


def plain_data(model: Any) -> Any:
    """A model as JSON-ready data, without building pydantic's serializer (a cold-start cost)."""
    fields = getattr(type(model), "model_fields", None)
    if fields is not None:
        return {k: plain_data(v) for k in fields
                if (v := getattr(model, k)) is not None}
    if isinstance(model, list):
        return [plain_data(v) for v in model]
    if isinstance(model, dt.date):
        return model.isoformat()
    return model


def resource_json(res: Resource, grid: Grid, result: Result) -> dict[str, Any]:
    data = plain_data(res)
    data["wait_weeks"] = res.wait_weeks
    data["kind_label"] = grid.kind_label(res.kind)
    data["because"] = list(result.because.get(res.id, []))
    data["fast"] = res.is_fast(result.delay if result.delay in ("rapide", "sous-72h")
                               else "rapide", result.today)
    data["extension"] = result.level != "urgence" and result.situation.is_extension(
        result.level, res.kind)
    return data


def result_json(result: Result, grid: Grid) -> dict[str, Any]:
    territory = result.territory
    return {
        "situation": result.situation.id,
        "situation_label": result.situation.label,
        "level": result.level,
        "level_label": grid.level_label(result.level),
        "delay": result.delay,
        "delay_label": grid.delay_label(result.delay),
        "reasons": [
            {"rule": r.rule, "text": r.text, "source": r.source, "cell": r.cell,
             "level": r.level, "delay": r.delay, **({"advice": r.advice} if r.advice else {})}
            for r in result.reasons
        ],
        "resources": [resource_json(r, grid, result) for r in result.resources],
        "looked_for": result.looked_for,
        "bridge": [resource_json(r, grid, result) for r in result.bridge],
        "bridge_reason": result.bridge_reason,
        "alongside": [resource_json(r, grid, result) for r in result.alongside],
        "fallback": [resource_json(r, grid, result) for r in result.fallback],
        "fallback_needed": result.fallback_needed,
        "fallback_delay": result.fallback_delay,
        "numbers": [
            {"number": n.dial, "display": n.number, "label": n.label,
             **({"note": n.note} if n.note else {})}
            for n in result.numbers
        ],
        "unanswered": result.unanswered,
        "could_raise": result.could_raise,
        "ignored": result.ignored,
        "not_asked": result.not_asked,
        "also": result.also,
        "warnings": result.warnings,
        "answers": result.answers,
        "grid": {
            "version": result.grid_version,
            "name": grid.model.name,
            "territory": territory.id if territory else None,
            "territory_name": territory.name if territory else None,
        },
    }
