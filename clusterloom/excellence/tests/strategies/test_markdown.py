"""Strategy texts render as HTML without anything that could run in the reader's browser."""

import re

import pytest

from clusterloom.excellence.markdown import render_markdown

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="steal()">ok</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)><circle/></svg>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<form action='https://evil.example'><input name=p></form>",
    "![img](https://tracker.example/p.png)",
    '<p title="x" onmouseover="alert(1)">hover</p>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_neutralised(text):
    html = render_markdown(f"Before\n\n{text}\n\nAfter").lower()
    # A link the parser refuses stays as the text the author typed: harmless, so only the
    # tags are searched for what could run.
    tags = " ".join(re.findall(r"<[^>]*>", html))
    for bad in ("<script", "javascript:", "onerror", "onclick", "onload", "onmouseover", "data:"):
        assert bad not in tags
    for tag in ("<iframe", "<svg", "<style", "<form", "<input", "<img", "style="):
        assert tag not in html
    assert "before" in html and "after" in html


def test_script_content_is_dropped_not_shown_as_text():
    html = render_markdown("Hello\n\n<script>alert('secret')</script>")
    assert "alert" not in html


def test_markdown_structure_is_kept():
    html = render_markdown(
        "# Vision\n\n- one\n- two\n\n**bold** and [site](https://example.org)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Vision</h1>" in html
    assert "<li>one</li>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_mailto_and_relative_links_stay():
    html = render_markdown("[mail](mailto:a@example.org) [page](/strategies/1/)")
    assert 'href="mailto:a@example.org"' in html
    assert 'href="/strategies/1/"' in html


def test_empty_text():
    assert render_markdown("") == ""
