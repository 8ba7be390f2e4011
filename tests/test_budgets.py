"""The budget helpers every randomized comparison runs under (tests/support/budgets.py):
a test that explores must really draw its examples and really fail."""
from __future__ import annotations

import pytest
from budgets import budgets
from budgets import explore
from budgets import seed_budgets
from hypothesis import strategies as st


def test_explore_runs_the_budget_and_ignores_what_the_check_returns():
    seen = []
    explore(30, st.integers(0, 10 ** 9), lambda x: seen.append(x) or "a returned value")
    assert len(seen) == 30 and len(set(seen)) > 1


def test_explore_fails_with_the_check():
    def check(value):
        assert value < 100, "too large"

    with pytest.raises(AssertionError, match="too large"):
        explore(200, st.integers(0, 1000), check)


def test_the_slow_budget_carries_the_slow_mark():
    (mark,) = budgets(ci=7, slow=70).mark.args[1:]
    ci, slow = mark
    assert (ci.values, ci.marks) == ((7,), ())
    assert slow.values == (70,) and [m.name for m in slow.marks] == ["slow"]


def test_slow_seeds_carry_the_slow_mark():
    params = seed_budgets(ci=range(2), slow=range(10, 12)).mark.args[1]
    assert params[:2] == [0, 1]
    assert [(p.values, [m.name for m in p.marks]) for p in params[2:]] == [
        ((10,), ["slow"]), ((11,), ["slow"])]
