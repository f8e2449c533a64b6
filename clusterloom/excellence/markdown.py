"""Strategy texts: Markdown rendered to HTML, then sanitised against an allow-list.

Pure module: no Django. The parser is cmark-gfm (GitHub's C implementation of CommonMark, with
its table and strikethrough extensions, through cmarkgfm, which PyPI's readme_renderer uses for
the same job): its time grows linearly with the text and it renders 100 KB of the worst inputs
known (`bench/markdown_render.py`) in tens of milliseconds. python-markdown took 14 s for
"[a](b" repeated 8,000 times; markdown-it-py, used before, is linear too but pure Python, 1-2 s
for 100 KB of "![a](" or "[[[".

Markdown lets an author write raw HTML; nh3 keeps only the tags and attributes below, drops
<script>/<style> with their content, every on* attribute and any link that is not http(s),
mailto or a page-relative one. nh3 takes time growing with the square of the nesting depth
(50,000 nested block quotes, 100 KB of "> ", took 10 s), so HTML nested deeper than MAX_DEPTH
(only hostile texts are) is not sanitised: the text is shown as written, escaped.
The HTML is rendered once when a version is saved and stored beside its text.
"""

import html as html_module
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Longer texts are refused by the services; this guards the renderer too.
MAX_CHARS = 200_000
#: Deepest element nesting rendered as HTML; real documents stay far below.
MAX_DEPTH = 100

#: Raw HTML is kept for nh3 to sanitise (as before); "~~" strikes through, "~" does not.
_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
_EXTENSIONS = ["table", "strikethrough"]
#: A start or end tag; [^<>] keeps each scan to one tag, so the count is linear in the HTML.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?:[\s/][^<>]*)?>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def _too_deep(html: str) -> bool:
    """Whether the tags, counted as written, nest deeper than MAX_DEPTH (a "/>" closes nothing
    in HTML but a void element)."""
    depth = 0
    for closing, name in _TAG.findall(html):
        if name.lower() in _VOID:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > MAX_DEPTH:
            return True
    return False


def render_markdown(text: str) -> str:
    """The Markdown text as safe HTML (no script, no event handler, no javascript: link)."""
    text = (text or "")[:MAX_CHARS]
    html = cmarkgfm.markdown_to_html_with_extensions(text, options=_OPTIONS, extensions=_EXTENSIONS)
    if _too_deep(html):
        return f"<pre>{html_module.escape(text)}</pre>" if text.strip() else ""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    ).strip()
