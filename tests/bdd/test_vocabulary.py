"""The README's step vocabulary and the registered steps are the same set of phrases.

Each example the README shows must be matched, by pytest-bdd's own parsers, by exactly one
registered step definition of its type; each registered step must be shown by at least one
example. So a README phrase without a step, or a step missing from the README, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

from tests.bdd.contexts import step_modules
from tests.bdd.shared.vocabulary import Example, Vocabulary, read_vocabulary

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    """What the README's "Writing a feature spec" section shows."""
    return read_vocabulary(README)


def registered_steps() -> list[StepFunctionContext]:
    """Every step definition of the registered step modules (the conftest loaded them all)."""
    modules = set(step_modules())
    steps = [
        c for c in step_function_context_registry.values() if c.step_func.__module__ in modules
    ]
    assert steps, "no step definitions are registered"
    return steps


def matching(example: Example, steps: list[StepFunctionContext]) -> list[StepFunctionContext]:
    """The step definitions pytest-bdd would consider for this example line."""
    return [
        s for s in steps if s.type in (None, example.type) and s.parser.is_matching(example.text)
    ]


def describe(step: StepFunctionContext) -> str:
    """A step definition as `module.function (type 'pattern')`."""
    func = step.step_func
    return f"{func.__module__}.{func.__name__} ({step.type or 'any'} {step.parser.name!r})"


def test_the_vocabulary_has_examples(vocabulary: Vocabulary) -> None:
    """The README section was found and read (guards the other tests against a bad parse)."""
    assert len(vocabulary.examples) > 50, vocabulary.examples


def test_every_vocabulary_row_shows_an_example(vocabulary: Vocabulary) -> None:
    """A phrase with no example could not be checked against the steps."""
    assert not vocabulary.rows_without_example, "\n".join(vocabulary.rows_without_example)


def test_every_readme_phrase_is_one_registered_step(vocabulary: Vocabulary) -> None:
    """Each example is matched by exactly one step definition: none means no step, two
    means the feature file would depend on which definition pytest-bdd picks."""
    steps = registered_steps()
    problems = []
    for example in vocabulary.examples:
        found = matching(example, steps)
        if len(found) != 1:
            names = ", ".join(describe(s) for s in found) or "no step"
            problems.append(f"{example} matches {names}")
    assert not problems, "\n".join(problems)


def test_every_registered_step_is_in_the_readme(vocabulary: Vocabulary) -> None:
    """Each step definition is shown by at least one README example."""
    shown = {id(s) for e in vocabulary.examples for s in matching(e, registered_steps())}
    missing = [describe(s) for s in registered_steps() if id(s) not in shown]
    assert not missing, "steps the README's vocabulary does not show:\n" + "\n".join(missing)
