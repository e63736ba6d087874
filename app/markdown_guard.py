"""Keep Markdown rendering fast on any input: refuse what cannot be rendered quickly, and make
Python-Markdown's link patterns linear.

Python-Markdown is quadratic on several inputs (``'[' * 8000`` took 36 s; ``'- ' * 1000`` raised
RecursionError; many inline marks in one paragraph, many start tags, many admonitions...). So:

- before rendering (:func:`precheck`): the text is at most :data:`MAX_CHARS` long, a paragraph
  (text between blank lines) at most :data:`MAX_BLOCK`, a line nested at most
  :data:`MAX_NESTING` levels deep (the parser recurses once per level), at most
  :data:`MAX_ELEMENTS` lines (the tree passes are quadratic in the number of siblings), with at
  most :data:`MAX_HTML_MARKS` ``<`` and ``&`` (the HTML pass scans to the end from each ``<``);
- while rendering, a :class:`WorkBudget` is charged the length of the text every inline pattern
  match and every block test is given (the library re-reads a paragraph after each mark it
  finds, and a block after each line it takes): a text that spends it is refused;
- link and image patterns find each ``[``'s ``]`` from a bracket index built once per text
  (:class:`BracketIndex`, same results as the library's count from every ``[``); the ``(...)``
  scans are charged to the budget by what they read; a footnote mark is at most 100 characters.

``bench/markdown_worst.py`` prints the timings of the worst inputs known.
"""

import re

from flask_babel import gettext as _
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.inlinepatterns import LinkInlineProcessor

MAX_CHARS = 50_000          # six times the longest reading of the course
MAX_BLOCK = 10_000          # characters between two blank lines (the course's longest: 2,905)
MAX_NESTING = 16            # levels of quotes, lists or indentation on one line
MAX_ELEMENTS = 400          # non-blank lines, a nested line counting its levels (the course's most: 57)
MAX_HTML_MARKS = 300        # "<" and "&" in the whole text (the course has none)
WORK_BUDGET = 8_000_000     # characters re-read by patterns and block tests in one render (~0.3 s)

# Names and priorities of the bracket-scanning patterns, as markdown.inlinepatterns registers them.
LINK_PATTERNS = {"reference": 170, "link": 160, "image_link": 150, "image_reference": 140, "short_reference": 130, "short_image_ref": 125}
FOOTNOTE_RE = re.compile(r"\[\^([^\]]{0,100})\]", re.DOTALL | re.UNICODE)  # the library's, with a bounded label

# One level of block nesting at the start of a line: a quote marker, a list marker, an indent.
_LEVEL = re.compile(r" {0,3}(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?| {4}|\t")
_BRACKET = re.compile(r"[\[\]]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class MarkdownRefused(ValueError):
    """The text would take too long to render; ``str(error)`` says why, in the reader's language."""


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def precheck(text: str) -> str | None:
    """Return why ``text`` is refused before rendering, or ``None``."""
    if len(text) > MAX_CHARS:
        return _("Le texte fait %(n)s caractères, plus que les %(max)s permis : coupez-le en plusieurs lectures.", n=_number(len(text)), max=_number(MAX_CHARS))
    if text.count("<") + text.count("&") > MAX_HTML_MARKS:
        return _("Le texte contient plus de %(max)s signes « < » et « & » (ils ouvrent du HTML) : retirez-en.", max=MAX_HTML_MARKS)
    line = 1
    for block in _BLANK_LINE.split(text):
        if len(block) > MAX_BLOCK:
            return _("Ligne %(n)s : un paragraphe de plus de %(max)s caractères ; séparez-le par des lignes vides.", n=line, max=_number(MAX_BLOCK))
        line += block.count("\n") + 2
    elements = 0
    for number, line_text in enumerate(text.split("\n"), start=1):
        levels = nesting(line_text)
        if levels > MAX_NESTING:
            return _("Ligne %(n)s : plus de %(max)s niveaux de citations, de listes ou de retraits imbriqués.", n=number, max=MAX_NESTING)
        elements += max(1, levels) if line_text.strip() else 0
        if elements > MAX_ELEMENTS:
            return _("Ligne %(n)s : le texte dépasse %(max)s lignes et niveaux de listes ou de citations ; coupez-le en plusieurs lectures.",
                     n=number, max=MAX_ELEMENTS)
    return None


def nesting(line: str) -> int:
    """Count the block levels (``>``, list markers, four-space indents) opening ``line``."""
    levels = pos = 0
    while (m := _LEVEL.match(line, pos)) and m.end() > pos:
        levels, pos = levels + 1, m.end()
        if levels > MAX_NESTING:
            break
    return levels


class WorkBudget:
    """Characters the patterns and block tests of one render may still re-read."""

    def __init__(self, chars: int = WORK_BUDGET):
        self.left = chars

    def spend(self, chars: int) -> None:
        self.left -= chars
        if self.left < 0:
            raise MarkdownRefused(_("Le texte contient trop de marques Markdown (liens, crochets, astérisques, balises...) pour être affiché ; "
                                    "simplifiez-le ou coupez-le."))


class BracketIndex:
    """Where each ``[`` of one text closes, computed in a single pass (``-1``: never)."""

    def __init__(self, data: str):
        self.data = data
        self.close: dict[int, int] = {}
        stack: list[int] = []
        for m in _BRACKET.finditer(data):
            if m.group() == "[":
                stack.append(m.start())
            elif stack:
                self.close[stack.pop()] = m.start()
        for opening in stack:
            self.close[opening] = -1


class BoundedLinkMixin:
    """Python-Markdown's link scanning with the same results, in bounded time."""

    budget: WorkBudget
    _index: BracketIndex | None = None

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Python-Markdown's name)
        """Same answer as ``LinkInlineProcessor.getText``, from a bracket index built once per text.

        ``index`` follows the ``[`` being matched; the library counts brackets from there until
        they balance, which is exactly where a stack pairs that ``[``.
        """
        if self._index is None or self._index.data is not data:
            self._index = BracketIndex(data)
        close = self._index.close.get(index - 1, -1) if data[index - 1 : index] == "[" else self._scan_close(data, index)
        if close < 0:
            return data[index:], len(data), False
        return data[index:close], close + 1, True

    @staticmethod
    def _scan_close(data: str, index: int) -> int:
        """The library's count from an ``index`` that follows no ``[`` (not reached by its patterns)."""
        depth = 1
        for m in _BRACKET.finditer(data, index):
            depth += 1 if m.group() == "[" else -1
            if depth == 0:
                return m.start()
        return -1

    def getLink(self, data: str, index: int):  # noqa: N802 (Python-Markdown's name)
        """The library's ``(...)`` scan, charged to the render's budget by the characters it read."""
        if data[index : index + 1] != "(":
            return super().getLink(data, index)  # not a link: the library answers without scanning
        if ")" not in data[index:]:
            return "", None, index, False  # what the library answers after reading to the end
        href, title, end, handled = super().getLink(data, index)
        self.budget.spend((end if handled else len(data)) - index)
        return href, title, end, handled


def _metered(method, budget: WorkBudget, position: int):
    """Wrap a pattern's ``handleMatch`` or a block processor's ``test``: charge the text it is given.

    A match costs the library a rebuild of the text, a miss often a scan of it: charging the
    text's length for every call bounds both, link patterns included (their misses are cheap
    since :class:`BracketIndex`, but the library still walks the text around each of them).
    """

    def wrapper(*args):
        budget.spend(len(args[position]))
        return method(*args)

    return wrapper


class GuardExtension(Extension):
    """Install the render's budget on every inline pattern and block processor; bound the link scans.

    Each render builds its own Markdown instance, so the wrapped methods and the budget belong to
    that render alone (the wrappers are set on that instance's processors, not on their classes).
    """

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        budget = WorkBudget()
        for name, priority in LINK_PATTERNS.items():
            original = md.inlinePatterns[name]
            assert isinstance(original, LinkInlineProcessor), name
            bounded = type(f"Bounded{type(original).__name__}", (BoundedLinkMixin, type(original)), {"budget": budget})
            md.inlinePatterns.register(bounded(original.pattern, md), name, priority)
        if "footnote" in md.inlinePatterns:
            md.inlinePatterns["footnote"].compiled_re = FOOTNOTE_RE
        # Load this extension after every other one that adds patterns, so all are metered.
        for pattern in md.inlinePatterns:
            if isinstance(pattern, InlineProcessor):
                pattern.handleMatch = _metered(pattern.handleMatch, budget, 1)  # (match, data)
        for processor in md.parser.blockprocessors:
            processor.test = _metered(processor.test, budget, 1)  # (parent, block)
