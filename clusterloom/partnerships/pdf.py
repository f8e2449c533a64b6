"""PDF of a printer-friendly page via WeasyPrint, which may read local static files only.

WeasyPrint is imported when a PDF is first made, not with this module: importing it takes about
a second, which every process (each command, each worker) paid at start-up through the modules
that import this one."""

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

#: Base URL the HTML is resolved against; never contacted (the fetcher intercepts everything).
PDF_BASE_URL = "http://clusterloom.invalid/"


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `STATIC_URL` paths from the static-file finders; refuses every other URL.

        The PDF must not depend on (or leak requests to) the network: a stylesheet or image that
        is not a local static file is left out of the PDF.
        """

        def fetch(self, url, headers=None):
            """Return a local static file for `url`, or raise ValueError."""
            if url.startswith("data:"):
                # Inline data needs no network; the base class decodes it.
                return super().fetch(url, headers)
            parts = urlsplit(url)
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if not parts.path.startswith(static_prefix) or ".." in parts.path:
                raise ValueError(f"not a local static file: {url}")
            relative = unquote(parts.path[len(static_prefix) :])
            found = finders.find(relative)
            if not found:
                raise ValueError(f"static file not found: {relative}")
            path = Path(found)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}, status=200
            )

    return StaticOnlyFetcher


def __getattr__(name: str):
    if name == "StaticOnlyFetcher":  # the class, made on first use (WeasyPrint imported then)
        return _fetcher_class()
    raise AttributeError(name)


def html_document(html: str):
    """The laid-out pages of an HTML document (WeasyPrint's Document: its pages' boxes tell
    where everything lands, which tests read to prove nothing runs off a page)."""
    from weasyprint import HTML

    fetcher = _fetcher_class()()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render()


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (from a print template) to PDF bytes."""
    return html_document(html).write_pdf()
