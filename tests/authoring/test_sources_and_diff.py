"""The editors' file writers read back what they write; the diff names removed and added lines."""

from app.authoring.services import diff
from app.authoring.sources import module_source
from app.authoring.sources import module_values
from app.authoring.sources import reading_source
from app.authoring.sources import reading_values
from app.catalogue.loader import parse_module
from app.catalogue.loader import parse_reading


def test_a_reading_written_by_the_editor_reads_back_and_parses():
    front = {"slug": "une-lecture", "title": "Un « titre » avec \"guillemets\"", "estimated_minutes": 7, "source_lines": [10, 20], "interviewee": None}
    text = reading_source(front, "## Intertitre\r\n\r\nUn paragraphe.\n\n\n")
    assert text.endswith("Un paragraphe.\n") and "\r" not in text and "interviewee" not in text
    values, body = reading_values(text)
    assert values == {"slug": "une-lecture", "title": front["title"], "estimated_minutes": 7, "source_lines": [10, 20]}
    assert body == "## Intertitre\n\nUn paragraphe.\n"
    spec, errors = parse_reading(text, "course/01-m/01-une-lecture.md", 1, "01-une-lecture.md")
    assert errors == [] and spec.title == front["title"]


def test_a_module_written_by_the_editor_reads_back_and_parses():
    values = {"slug": "m", "title": "Titre", "summary": "Résumé.", "objectives": ["Un.", "Deux."], "estimated_minutes": 12}
    text = module_source(values)
    assert module_values(text) == values
    spec, errors = parse_module(text, "course/01-m/module.toml", 1, "01-m")
    assert errors == [] and spec.objectives == ["Un.", "Deux."]


def test_diff_gives_hunks_with_line_numbers():
    old = "\n".join(f"ligne {i}" for i in range(1, 21))
    new = old.replace("ligne 10", "ligne dix") + "\nligne 21"
    hunks = diff(old, new, context=1)
    assert len(hunks) == 2
    first = [(line.op, line.text, line.old_number, line.new_number) for line in hunks[0]]
    assert first == [(" ", "ligne 9", 9, 9), ("-", "ligne 10", 10, None), ("+", "ligne dix", None, 10), (" ", "ligne 11", 11, 11)]
    assert [(line.op, line.text) for line in hunks[1]][-1] == ("+", "ligne 21")
    assert diff(old, old) == []
