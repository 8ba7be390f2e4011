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


def test_per_budget_parameters_sit_next_to_examples():
    (names, (ci, slow)) = budgets(ci=7, slow=70, max_rank=(4, 6), invokes=(5, 20)).mark.args
    assert names == "examples,max_rank,invokes"
    assert (ci.id, ci.values, ci.marks) == ("ci", (7, 4, 5), ())
    assert (slow.id, slow.values) == ("slow", (70, 6, 20))
    assert [m.name for m in slow.marks] == ["slow"]


@pytest.mark.parametrize("pair", [4, (4,), (4, 6, 8), [4, 6]])
def test_a_per_budget_parameter_is_a_pair(pair):
    with pytest.raises(TypeError, match="max_rank= takes a pair"):
        budgets(ci=7, max_rank=pair)


@budgets(ci=3, slow=5, max_dim=(2, 9))
def test_a_budgeted_test_receives_its_parameters(request, examples, max_dim):
    expected = {"ci": (3, 2), "slow": (5, 9)}[request.node.callspec.id]
    assert (examples, max_dim) == expected
    sizes = []
    explore(examples, st.lists(st.integers(), max_size=max_dim), lambda xs: sizes.append(len(xs)))
    assert len(sizes) == examples and max(sizes) <= max_dim


def test_slow_seeds_carry_the_slow_mark():
    params = seed_budgets(ci=range(2), slow=range(10, 12)).mark.args[1]
    assert params[:2] == [0, 1]
    assert [(p.values, [m.name for m in p.marks]) for p in params[2:]] == [
        ((10,), ["slow"]), ((11,), ["slow"])]
