"""The Python examples in the user docs run, and the values their comments show are true.

Each page's ``python`` blocks run in order in one namespace, in a temporary directory.
A top-level expression whose comment starts with a quoted string (``# 'zwitterion'``,
``# '...[NH3+]'`` for a suffix) or with its value's repr (``# Parts(head='PE', ...)``) is
checked against what the code returns. Pages whose examples run MD or whole campaigns
(simulate, coverage maps, campaigns, scaling) are covered by their own tests instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["first-ligand.md", "solvents.md", "surfaces.md", "plugins.md", "ranking.md"]
_QUOTED = re.compile(r"'([^']*)'")


def _blocks(page: Path) -> str:
    return "\n".join(re.findall(r"^```python\n(.*?)^```", page.read_text(), re.S | re.M))


def _check(value: object, comment: str, where: str) -> int:
    """Compare ``value`` with the comment's claim; the number of claims checked (0 or 1)."""
    if comment.startswith("'"):
        m = _QUOTED.match(comment)
        assert m, where
        claim = m.group(1)
        if claim.startswith("..."):
            assert isinstance(value, str) and value.endswith(claim[3:]), (where, value)
        else:
            assert value == claim, (where, value)
        return 1
    if comment.startswith(type(value).__name__ + "("):
        assert repr(value) == comment, (where, repr(value))
        return 1
    return 0


@pytest.mark.parametrize("page", PAGES)
def test_doc_examples_run_and_show_true_values(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    src = "import ligandlab as ll\n" + _blocks(ROOT / "docs" / page)
    lines = src.splitlines()
    namespace: dict[str, object] = {}
    for node in ast.parse(src).body:
        where = f"{page}: {lines[node.lineno - 1].strip()}"
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), page, "eval"), namespace)
            last = lines[node.end_lineno - 1] if node.end_lineno else ""
            if "  # " in last:
                _check(value, last.split("  # ", 1)[1].strip(), where)
        else:
            exec(compile(ast.Module([node], []), page, "exec"), namespace)


def test_checked_claims_exist() -> None:
    """The checker is not vacuous: first-ligand.md carries claims it reads."""
    text = _blocks(ROOT / "docs" / "first-ligand.md")
    assert len(re.findall(r"  # '", text)) >= 6
