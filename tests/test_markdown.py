"""The single Markdown path strips everything dangerous."""

import re

import pytest

from app.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="/ok" onclick="alert(1)">ok</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg onload=alert(1)>",
    '<object data="x"></object>',
    "[x](JaVaScRiPt:alert(1))",
    "<details open ontoggle=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_stripped(payload):
    html = str(render_markdown(f"Texte\n\n{payload}\n"))
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert not re.search(r"\son[a-z]+\s*=", lowered)  # no event handler attribute survives
    assert "<iframe" not in lowered and "<object" not in lowered and "<svg" not in lowered
    assert "style=" not in lowered


def test_ordinary_markdown_is_kept():
    html = str(render_markdown("## Titre\n\nDu **gras**, un [lien](https://example.org) et une liste :\n\n- un\n- deux\n"))
    assert "<h2>Titre</h2>" in html
    assert "<strong>gras</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<li>deux</li>" in html


def test_admonition_box_is_kept():
    html = str(render_markdown('!!! retenir "À retenir"\n    Une idée.\n'))
    assert 'class="admonition retenir"' in html
    assert "À retenir" in html


NNBSP = "\u202f"


@pytest.mark.parametrize(("source", "expected"), [
    ("Attention : oui ; non ! Vraiment ?", f"Attention{NNBSP}: oui{NNBSP}; non{NNBSP}! Vraiment{NNBSP}?"),
    ("Attention: oui; non! Vraiment?", f"Attention{NNBSP}: oui{NNBSP}; non{NNBSP}! Vraiment{NNBSP}?"),
    ("« Dans certains cas »", f"«{NNBSP}Dans certains cas{NNBSP}»"),
    ("«sans espace»", f"«{NNBSP}sans espace{NNBSP}»"),
    ("Déjà\u00a0: insécable, et\u202f; fine", f"Déjà{NNBSP}: insécable, et{NNBSP}; fine"),
    ("Quoi ?! Et !?", f"Quoi{NNBSP}?! Et{NNBSP}!?"),
    ("À 10:30, voir https://example.org/?q=1 et mailto:a@b.fr", "À 10:30, voir https://example.org/?q=1 et mailto:a@b.fr"),
    ("(?) et [!]", "(?) et [!]"),
])
def test_french_spacing_is_added_by_the_renderer(source, expected):
    assert str(render_markdown(source)) == f"<p>{expected}</p>"


def test_french_spacing_spans_inline_elements_and_never_doubles():
    html = str(render_markdown("**Note**: «*mot*» ; `code`: fin"))
    assert html == f"<p><strong>Note</strong>{NNBSP}: «{NNBSP}<em>mot</em>{NNBSP}»{NNBSP}; <code>code</code>{NNBSP}: fin</p>"
    assert f"{NNBSP}{NNBSP}" not in str(render_markdown(f"a{NNBSP}{NNBSP}: « {NNBSP}b\u00a0»"))


def test_french_spacing_leaves_code_and_attributes_alone():
    html = str(render_markdown('Un `a : b ?` puis\n\n    bloc : code ?\n\n[lien : ici](https://example.org/a:b?c "titre : x")'))
    assert "<code>a : b ?</code>" in html and "bloc : code ?" in html
    assert 'href="https://example.org/a:b?c"' in html and 'title="titre : x"' in html
    assert f"lien{NNBSP}: ici" in html


def test_only_glossary_term_ids_survive():
    """``### RPA {#terme-rpa}`` anchors a glossary entry; any other id (one a page uses, say) is dropped."""
    html = str(render_markdown("### RPA {#terme-rpa}\n\n### Champ {#csrf_token}\n\n## Titre {#terme-h2}\n\n[RPA](/cours/synthese/glossaire#terme-rpa)"))
    assert '<h3 id="terme-rpa">RPA</h3>' in html
    assert "<h3>Champ</h3>" in html and "<h2>Titre</h2>" in html and "csrf_token" not in html
    assert 'href="/cours/synthese/glossaire#terme-rpa"' in html
