"""chain_length: an example ligandlab scorer (tail length against a target).

value = exp(-((L - L0) / width)^2), with L the tail's extended length from ligandlab's
tail descriptors (a 3D conformer ensemble), L0 = 1.5 nm and width = 0.5 nm by default.
"""

from __future__ import annotations

import math
from typing import Any

import ligandlab as ll


class ChainLength:
    name = "chain_length"
    version = "0.1.0"
    needs = frozenset({"ligand"})
    cost = "fast"

    def __init__(self, target_nm: float = 1.5, width_nm: float = 0.5) -> None:
        self.params: dict[str, Any] = {"target_nm": target_nm, "width_nm": width_nm}

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        tail = context.descriptors(candidate.ligand).tail
        if tail is None:
            return ll.ScoreResult(0.0, 0.0, "nm", {"reason": "no tail"})
        length = tail.extended_length_nm
        x = (length - self.params["target_nm"]) / self.params["width_nm"]
        return ll.ScoreResult(math.exp(-(x**2)), length, "nm", {"tail_length_nm": length})


@ll.hookimpl
def ligandlab_scorers() -> list[object]:
    return [ChainLength()]
