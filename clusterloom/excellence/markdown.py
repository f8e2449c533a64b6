"""Strategy texts: Markdown rendered to HTML, then sanitised against an allow-list.

Pure module: no Django. Markdown lets an author write raw HTML; nh3 keeps only the tags and
attributes below, drops <script>/<style> with their content, every on* attribute and any link
that is not http(s), mailto or a page-relative one.
"""

import markdown as _markdown
import nh3

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
#: Longer texts are refused by the services; this guards the renderer too.
MAX_CHARS = 200_000


def render_markdown(text: str) -> str:
    """The Markdown text as safe HTML (no script, no event handler, no javascript: link)."""
    html = _markdown.markdown((text or "")[:MAX_CHARS], extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
