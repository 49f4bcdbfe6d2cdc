"""Tests of the example plugin (run after installing it)."""

import ligandlab as ll


def test_registered_and_scores_by_length() -> None:
    assert "chain_length" in ll.scorers()
    near = ll.score(ll.build_ligand("PE", 2, "C12"), scorers=["chain_length"])
    short = ll.score(ll.build_ligand("PE", 2, "C5"), scorers=["chain_length"])
    assert near.scores["chain_length"].value > short.scores["chain_length"].value
