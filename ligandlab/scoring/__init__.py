"""Scoring: hookspecs, the plugin manager, candidates, results and ranking."""

from ligandlab.scoring.candidate import Candidate, Context
from ligandlab.scoring.hookspecs import hookimpl
from ligandlab.scoring.manager import get_scorer, reload_plugins, scorer_info, scorers
from ligandlab.scoring.ranking import (
    ScoreCard,
    ScoreStore,
    aggregate,
    aggregate_many,
    pareto_front,
    pareto_within,
    rank,
    score,
    score_candidates,
)
from ligandlab.scoring.types import Scorer, ScoreResult

__all__ = [
    "Candidate",
    "Context",
    "ScoreCard",
    "ScoreResult",
    "ScoreStore",
    "Scorer",
    "aggregate",
    "aggregate_many",
    "get_scorer",
    "hookimpl",
    "pareto_front",
    "pareto_within",
    "rank",
    "reload_plugins",
    "score",
    "score_candidates",
    "scorer_info",
    "scorers",
]
