"""Pathological Markdown is refused with a reason or rendered in bounded work, on every path.

No timing here (the figures are in ``bench/markdown_worst.py``): the tests check the limits, the
work the renderer is allowed, and that the link patterns keep the library's results.
"""

import random

import markdown as md
import pytest
from markdown.inlinepatterns import LinkInlineProcessor

from app import markdown_guard
from app.catalogue.loader import parse_reading
from app.markdown import EXTENSION_CONFIGS
from app.markdown import EXTENSIONS
from app.markdown import markdown_problem
from app.markdown import render_markdown
from app.markdown_guard import WORK_BUDGET
from app.markdown_guard import BracketIndex
from app.markdown_guard import MarkdownRefused

PATHOLOGICAL = {
    "brackets": "[" * 8000,
    "images": "![" * 4000,
    "footnote marks": "[^" * 4000,
    "open links": "[a](" * 2000,
    "open links with parentheses": "[a](()" * 1500,
    "stars": "*" * 20000,
    "star words": "*a" * 4000,
    "underscore words": "_a" * 4000,
    "backticks": "`" * 20000,
    "code spans": "`a" * 4000,
    "quotes": "> " * 5000,
    "lists": "- " * 5000,
    "indented lists": "".join("    " * i + "- x\n" for i in range(200)),
    "angles": "<" * 20000,
    "start tags": "<a " * 5000,
    "ampersands": "&" * 20000,
    "headings": "## x\n" * 3000,
    "paragraphs": "x\n\n" * 5000,
    "admonitions": "!!! note\n" * 3000,
    "too long": "Du texte ordinaire. " * 3000,
}


class Meter:
    """Count what the renderer spends: the work budget and the bracket indexes it builds."""

    def __init__(self, monkeypatch):
        self.spent = 0
        self.indexes = 0
        spend, index = markdown_guard.WorkBudget.spend, BracketIndex.__init__

        def counting_spend(budget, chars):
            self.spent += chars
            spend(budget, chars)

        def counting_index(bracket_index, data):
            self.indexes += 1
            index(bracket_index, data)

        monkeypatch.setattr(markdown_guard.WorkBudget, "spend", counting_spend)
        monkeypatch.setattr(BracketIndex, "__init__", counting_index)


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_is_refused_with_a_reason_or_rendered_within_the_budget(text, monkeypatch):
    meter = Meter(monkeypatch)
    try:
        render_markdown(text)
    except MarkdownRefused as refused:
        assert len(str(refused)) > 20  # a sentence for the author, never a RecursionError or a 500
    assert meter.spent <= WORK_BUDGET + len(text)  # the last charge may overshoot by one text


def test_the_issues_input_is_refused_at_once(monkeypatch):
    meter = Meter(monkeypatch)
    with pytest.raises(MarkdownRefused, match="trop de marques Markdown"):
        render_markdown("[" * 8000)
    assert meter.indexes <= 6  # one bracket index per link pattern, not one scan per "["


@pytest.mark.parametrize(("text", "reason"), [
    ("a" * 50_001, "plus que les 50\u202f000 permis"),
    ("x" * 10_001, "Ligne 1 : un paragraphe de plus de 10\u202f000 caractères"),
    ("ok\n\n" + "> " * 17 + "x", "Ligne 3 : plus de 16 niveaux"),
    ("- x\n" * 401, "Ligne 401 : le texte dépasse 400 lignes"),
    ("<b>" * 301, "plus de 300 signes « < » et « & »"),
])
def test_the_limits_name_the_line_and_the_reason(text, reason):
    assert reason in markdown_problem(text)


def test_unbalanced_brackets_far_apart_render_in_linear_work(monkeypatch):
    """A stray "[" in every paragraph used to make each scan run to the end of its paragraph."""
    text = "\n\n".join("[ " + "mot " * 500 + "[lien](https://example.org) fin" for _ in range(10))
    meter = Meter(monkeypatch)
    html = str(render_markdown(text))
    assert html.count('href="https://example.org"') == 10
    assert meter.spent < WORK_BUDGET / 10


def _library_get_text(data: str, index: int):
    """``LinkInlineProcessor.getText`` as Python-Markdown ships it."""
    return LinkInlineProcessor.getText(None, data, index)


def test_bracket_index_gives_the_librarys_answers():
    rng = random.Random(9)
    processor = type("P", (markdown_guard.BoundedLinkMixin, LinkInlineProcessor), {})(r"\[", None)
    for _ in range(300):
        data = "".join(rng.choice("[[]]ab ") for _ in range(rng.randint(1, 40)))
        for index in range(1, len(data) + 1):
            if data[index - 1] == "[":
                assert processor.getText(data, index) == _library_get_text(data, index), (data, index)


@pytest.mark.parametrize("text", [
    "Un [lien](https://example.org \"titre\"), une ![image](a.png), une [réf][r], [r] et [x [imbriqué] y](b).\n\n[r]: https://r.example\n",
    "Note[^1] et [crochets] ouverts [ et fermés ] [a]( b ) [c](<d e>) [e](f(g)h)\n\n[^1]: La note.\n",
])
def test_links_render_exactly_as_the_library_renders_them(text):
    plain = md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    assert str(render_markdown(text)) == markdown_guard_free(plain)


def markdown_guard_free(html: str) -> str:
    """The plain library's output through the same sanitiser (the guard changes no link)."""
    from app.markdown import sanitise_html

    return sanitise_html(html)


def test_the_course_readings_use_a_small_part_of_the_budget(monkeypatch):
    from pathlib import Path

    from app.contentfile import split_front_matter

    for path in sorted(Path("course").glob("*/*.md")):
        if path.name == "README.md":
            continue
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        meter = Meter(monkeypatch)
        render_markdown(body)
        assert meter.spent < WORK_BUDGET / 10, path


def test_a_package_reading_too_costly_to_render_is_a_package_error():
    text = '+++\nslug = "x"\ntitle = "X"\nestimated_minutes = 5\nsource_lines = [1, 2]\n+++\n\n## Titre\n\n' + "[" * 8000
    spec, errors = parse_reading(text, "course/01-a/01-x.md", 1, "01-x.md")
    assert spec is None and any("trop de marques Markdown" in e.message for e in errors)


def test_a_text_with_many_bracketed_elisions_still_renders():
    """360 "[...]" (the course has 28 brackets in its busiest reading): well within the budget."""
    text = "\n\n".join("« Une phrase [...] coupée » et une autre [...] encore. " * 60 for _ in range(3))
    assert str(render_markdown(text)).count("[…]") == 360  # smarty makes "..." an ellipsis
