"""French typography applied by the renderer: a narrow no-break space (U+202F) before ``; : ! ?``
and inside ``« »``, so authors type ordinary spaces (or none) and a line never breaks there.

It works on the text of the rendered tree, after the inline patterns, so attributes (URLs,
titles) are never touched, nor code spans and blocks. A space (ordinary, no-break or narrow)
already there is replaced, never doubled. Without a space, one is added only where French
punctuation stands: ``:`` followed by a digit or ``/`` (``10:30``, ``https://``) is left alone.
"""

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

NNBSP = "\u202f"
SKIPPED_TAGS = {"code", "pre", "kbd", "samp", "script", "style"}

WS = "[ \t\n\u00a0\u202f]+"
# Before a run of ; : ! ? : spaces to make narrow, or an insertion right after a word; a colon only
# counts when a space or the end follows it, and a placeholder's hidden text is never spaced twice.
_BEFORE = re.compile(rf"{WS}(?=[;:!?])|(?<=[^\s\x03«(\[;:!?])(?=(?:[;!?]+|:)(?:[\s»)\]]|$))")
_AFTER_OPENING = re.compile(rf"«(?:{WS}|(?!\x02))")
_BEFORE_CLOSING = re.compile(rf"(?:{WS}|(?<=[^\x03]))»")


def french_spacing(text: str, after_element: bool = False) -> str:
    """Put U+202F where French typography wants a no-break space in ``text``.

    ``after_element``: the text follows an inline element (a tail), so its first character
    has something before it on the line.
    """
    if after_element:
        text = "\x00" + text  # stands for the element before, so the look-behinds can see it
    text = _BEFORE.sub(NNBSP, text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSING.sub(NNBSP + "»", text)
    return text[1:] if after_element else text


class FrenchSpacingTreeprocessor(Treeprocessor):
    """Apply :func:`french_spacing` to every text and tail outside code."""

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in SKIPPED_TAGS:
            return
        if element.text:
            element.text = type(element.text)(french_spacing(element.text))
        for child in element:
            self._walk(child)
            if child.tail:
                child.tail = type(child.tail)(french_spacing(child.tail, after_element=True))


class FrenchSpacingExtension(Extension):
    """Register the treeprocessor after the inline patterns (20) and before unescaping (0)."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(FrenchSpacingTreeprocessor(md), "french_spacing", 5)
