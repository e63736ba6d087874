"""The mutation-testing driver (bench/mutation.py): its configuration and how it sets equivalents aside."""

from pathlib import Path

import pytest

from bench.mutation import CAUGHT
from bench.mutation import TARGET
from bench.mutation import Equivalent
from bench.mutation import Mutant
from bench.mutation import changed_lines
from bench.mutation import function_of
from bench.mutation import load_equivalents
from bench.mutation import load_modules
from bench.mutation import set_aside

ROOT = Path(__file__).resolve().parent.parent


def test_every_configured_module_and_test_folder_exists():
    modules = load_modules()
    assert "app/quizzes/services.py" in modules and "app/auth/services.py" in modules
    for module, tests in modules.items():
        assert (ROOT / module).is_file(), module
        assert tests and all((ROOT / path).exists() for path in tests), (module, tests)  # a folder or a test file


def test_every_listed_equivalent_names_a_configured_module_and_says_why():
    modules = load_modules()
    for entry in load_equivalents():
        assert entry.module in modules, entry
        assert entry.before != entry.after and len(entry.reason) > 20, entry


@pytest.mark.parametrize(("name", "function"), [
    ("app.cohorts.pace.xǁPaceDayǁbuild__mutmut_14", "PaceDay.build"),
    ("app.cohorts.pace.x_schedule__mutmut_3", "schedule"),
    ("app.quizzes.question_types.xǁ_OptionsTypeǁ_parse_option__mutmut_36", "_OptionsType._parse_option"),
])
def test_a_mutant_is_named_by_its_function(name, function):
    assert function_of(name) == function


def test_the_changed_lines_of_a_diff_are_read_without_its_headers():
    diff = "--- app/x.py\n+++ app/x.py\n@@ -1,2 +1,2 @@\n def f():\n-    return a <= b\n+    return a < b\n"
    assert changed_lines(diff) == ("return a <= b", "return a < b")


def _mutants() -> list[Mutant]:
    return [
        Mutant("app.m.x_f__mutmut_1", "killed"),
        Mutant("app.m.x_f__mutmut_2", "survived", "return a <= b", "return a < b"),
        Mutant("app.m.x_f__mutmut_3", "survived", "x = 1", "x = 2"),
        Mutant("app.m.x_g__mutmut_1", "timeout"),
    ]


def test_a_matching_equivalent_is_set_aside_and_the_score_counts_the_rest():
    entry = Equivalent("app/m.py", "f", "return a <= b", "return a < b", "a never equals b here")
    score = set_aside("app/m.py", _mutants(), [entry])
    assert [m.name for m in score.equivalent] == ["app.m.x_f__mutmut_2"]
    assert [m.name for m in score.alive] == ["app.m.x_f__mutmut_3"]
    assert score.score == pytest.approx(100 * 2 / 3) and score.stale == []
    assert {"killed", "timeout"} <= CAUGHT and "survived" not in CAUGHT and TARGET == 90.0


def test_an_equivalent_that_no_longer_survives_or_names_another_function_is_stale():
    entries = [
        Equivalent("app/m.py", "g", "return a <= b", "return a < b", "wrong function"),
        Equivalent("app/m.py", "f", "y = 1", "y = 2", "that mutant is gone"),
        Equivalent("app/other.py", "f", "x = 1", "x = 2", "another module's entry"),
    ]
    score = set_aside("app/m.py", _mutants(), entries)
    assert score.equivalent == [] and [e.function for e in score.stale] == ["g", "f"]
    assert len(score.alive) == 2


def test_a_module_without_mutants_scores_full():
    assert set_aside("app/m.py", [], []).score == 100.0
