"""A rule as it applies to a patient: its faster delay, its wording for these answers, the
minors' calls and sources (default-grid.md, « Minors »), and the reason a person reads, with
the seed cell its resources come from."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from gradation.core.conditions import holds
from gradation.core.facts import DELAY_RANK, is_minor
from gradation.core.model import CompiledRule, Grid, Situation
from gradation.core.result import Reason


def minors_calls(grid: Grid, calls: tuple[str, ...], delay: str) -> tuple[str, ...]:
    """A rule's calls for a patient under 18 (default-grid.md, « Minors »): the child service
    just before the first adult one, the MDA last (never in a `sous-72h` rule), the adolescent
    unit before the adult hospital; a kind already called keeps its place."""
    minors = grid.model.minors
    out = list(calls)
    adult = [out.index(k) for k in minors.adult_kinds if k in out]
    if adult and minors.child_kind and minors.child_kind not in out:
        out.insert(min(adult), minors.child_kind)
    if minors.last_kind:
        if delay == "sous-72h":
            out = [k for k in out if k != minors.last_kind]
        elif adult and minors.last_kind not in out:
            out.append(minors.last_kind)
    hospital, adult_hospital = minors.hospital_kind, minors.adult_hospital
    if hospital and adult_hospital in out and hospital not in out:
        out.insert(out.index(adult_hospital), hospital)
    return tuple(out)


def applied(grid: Grid, rule: CompiledRule, answers: Mapping[str, Any]) -> CompiledRule:
    """A rule as it applies to these answers: its faster delay, its wording for them, and the
    minors' calls and sources."""
    delay = rule.delay
    for condition, faster in rule.sooner:
        if holds(condition, answers) and DELAY_RANK[faster] > DELAY_RANK[delay]:
            delay = faster
    reason, source, advice = rule.reason, rule.source, rule.advice
    for variant in rule.variants:
        if holds(variant.condition, answers):
            reason = variant.reason or reason
            source = variant.source or source
            advice = variant.advice or advice
            break
    calls = rule.calls
    if is_minor(grid, answers):
        calls = minors_calls(grid, calls, delay)
        for tag, shown in grid.model.minors.adult_sources.items():
            if source.startswith(tag):
                source = shown
    if (delay, reason, source, advice, calls) == (rule.delay, rule.reason, rule.source,
                                                   rule.advice, rule.calls):
        return rule
    return dataclasses.replace(rule, delay=delay, reason=reason, source=source, advice=advice,
                               calls=calls)


def cell_of(grid: Grid, situation: Situation, level: str, calls: Iterable[str]) -> str:
    """Where a reason's resources come from: the seed cell when every kind it calls stands in
    it (a reason that calls none cites its level's cell), « extension » otherwise."""
    if level == "urgence" or situation.is_extension_situation:
        return "extension"
    if all(situation.in_seed_cell(level, kind) for kind in calls):
        return grid.model.seed_cell
    return "extension"


def reason_of(grid: Grid, situation: Situation, rule: CompiledRule) -> Reason:
    return Reason(rule.id, rule.reason, rule.source, rule.level, rule.delay,
                  cell_of(grid, situation, rule.level, rule.calls), rule.advice, rule.psy,
                  rule.meanwhile)
