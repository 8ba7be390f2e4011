"""How much a randomized comparison explores: one test, two budgets.

Every randomized comparison runs a few examples in each suite run (the README's test
command, CI) and a long campaign under ``-m slow``. Instead of writing each test twice, a
test takes its budget as a parameter, and the slow one carries pytest's ``slow`` mark:

    @budgets(ci=200)                          # test_x[ci] and test_x[slow]
    def test_x(examples):
        explore(examples, cases(), check_case)

A long campaign may also draw wider cases, or run longer streams: each further keyword is
a pair (CI value, slow value), parametrized next to ``examples``:

    @budgets(ci=200, slow=3000, max_rank=(4, 6))
    def test_z(examples, max_rank):
        explore(examples, cases(max_rank=max_rank), check_case)

    @budgets(ci=40, slow=2000, invokes=(6, 30))
    def test_stream(examples, invokes):
        explore(examples, cases(), lambda case: run_case(case, invokes))

    @seed_budgets(ci=range(60), slow=range(1000, 1600))
    def test_y(seed):
        check_case(Case.draw(seed))

    pytest tests/ops/test_pooling.py              # the CI budget
    pytest tests/ops/test_pooling.py -m slow      # the long campaign
"""
from __future__ import annotations

import functools
from typing import Any
from typing import Callable

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis.strategies import SearchStrategy

#: Examples of a long campaign unless a test names its own.
SLOW_EXAMPLES = 3000


def budgets(ci: int, slow: int = SLOW_EXAMPLES, **wider: tuple[Any, Any]):
    """Parametrize a test over ``examples``: ``ci`` in every run, ``slow`` under -m slow.

    Each keyword of ``wider`` is a pair ``(ci_value, slow_value)`` and becomes a further
    argument of the test, e.g. ``max_rank=(4, 6)``: the long campaign draws wider cases
    (or runs longer streams) than CI. The ids stay ``ci`` and ``slow``."""
    for name, pair in wider.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"budgets: {name}= takes a pair (ci value, slow value), "
                            f"not {pair!r}")
    return pytest.mark.parametrize(",".join(["examples", *wider]), [
        pytest.param(ci, *(c for c, _ in wider.values()), id="ci"),
        pytest.param(slow, *(s for _, s in wider.values()), id="slow",
                     marks=pytest.mark.slow)])


def seed_budgets(ci: range, slow: range):
    """Parametrize a test over ``seed``: the ``ci`` seeds in every run, ``slow`` under
    -m slow (for cases drawn from a seed rather than by hypothesis)."""
    return pytest.mark.parametrize("seed", [
        *ci, *(pytest.param(s, marks=pytest.mark.slow) for s in slow)])


def exploring(examples: int) -> settings:
    """Hypothesis settings for ``examples`` examples of a comparison: no deadline (a
    reference runtime's first call loads it) and no health check (the strategies draw whole
    models, some large or often filtered)."""
    return settings(max_examples=examples, deadline=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


def explore(examples: int, cases: SearchStrategy, check: Callable[[Any], None]) -> None:
    """Run ``check`` on ``examples`` cases drawn from ``cases``; hypothesis shrinks a
    failing case and prints it."""
    @functools.wraps(check)     # hypothesis seeds its draws from the check's source
    def run(*args, **kwargs) -> None:
        check(*args, **kwargs)  # whatever the check returns (hypothesis wants None)

    exploring(examples)(given(cases)(run))()
