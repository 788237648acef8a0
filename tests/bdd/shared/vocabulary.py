"""The README's step vocabulary, read as the Gherkin lines its examples are.

Every row of the "| Phrase | Example |" tables of the "Writing a feature spec" section gives
its phrase and, in the second column, examples in backticks that start with a keyword
(`Given ...`, `And ...`); the ```gherkin blocks there are examples too. `And` / `But` take
the type of the keyword before them in the same cell or block, else the one the heading
names ("(When)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SECTION = "## Writing a feature spec"
KEYWORDS = {"Given": "given", "When": "when", "Then": "then"}
CONTINUATIONS = ("And", "But")
_STEP_LINE = re.compile(r"^(Given|When|Then|And|But) (.+)$")
_HEADING_TYPE = re.compile(r"\((Given|When|Then)\)")


@dataclass(frozen=True)
class Example:
    """One step line the README shows, with the step type pytest-bdd would give it."""

    type: str
    text: str
    line: int

    def __str__(self) -> str:
        return f"README line {self.line}: {self.type} {self.text!r}"


@dataclass
class Vocabulary:
    """What the section shows: its examples, and rows that show none."""

    examples: list[Example] = field(repr=False)
    rows_without_example: list[str] = field(default_factory=list)


def spec_section(readme: Path) -> tuple[int, list[str]]:
    """The first line number and the lines of the section, up to the next `## ` heading."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    assert SECTION in lines, f"{readme} has no {SECTION!r} section"
    start = lines.index(SECTION)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return start + 1, lines[start:end]


class _Typer:
    """Resolves `And` / `But` to the type of the step before, as pytest-bdd does."""

    def __init__(self, fallback: str | None) -> None:
        self.last = fallback

    def example(self, keyword: str, text: str, line: int) -> Example:
        if keyword in CONTINUATIONS:
            assert self.last, f"README line {line}: {keyword!r} with no step type before it"
        else:
            self.last = KEYWORDS[keyword]
        return Example(self.last, text.strip(), line)


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def read_vocabulary(readme: Path) -> Vocabulary:
    """Every example step in the README's spec section, and the table rows without one."""
    first, lines = spec_section(readme)
    examples: list[Example] = []
    missing: list[str] = []
    heading_type: str | None = None
    block: _Typer | None = None
    table: bool | None = None  # in a table: whether it is a vocabulary table
    for offset, raw in enumerate(lines):
        number, line = first + offset, raw.strip()
        if line.startswith("```"):
            block = _Typer(heading_type) if line == "```gherkin" else None
            continue
        if block is not None:
            if match := _STEP_LINE.match(line):
                examples.append(block.example(match[1], match[2], number))
            continue
        if line.startswith("#"):
            kind = _HEADING_TYPE.search(line)
            heading_type = KEYWORDS[kind[1]] if kind else None
            continue
        if not line.startswith("|"):
            table = None
            continue
        phrase, example_cell, *_ = [*_cells(line), ""]
        if table is None:
            # A table's first row is its header: only "| Phrase | Example |" tables are vocabulary.
            table = phrase == "Phrase"
            continue
        if not table or set(line) <= set("|-: "):
            continue
        cell = _Typer(heading_type)
        found = [
            cell.example(match[1], match[2], number)
            for span in re.findall(r"`([^`]+)`", example_cell)
            if (match := _STEP_LINE.match(span))
        ]
        examples.extend(found)
        # A row for a step with a table points at the ```gherkin block below it instead.
        if not found and "see below" not in example_cell:
            missing.append(f"README line {number}: {phrase}")
    return Vocabulary(examples, missing)
