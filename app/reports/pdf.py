"""HTML to PDF with WeasyPrint, reading only the platform's own static files (never the network)."""

from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher

#: The address the page's own links start from; only ``/static/`` is fetched, from disk.
_BASE = "https://rapport.invalid/"


class _StaticFiles(URLFetcher):
    """Fetch ``/static/...`` from the static folder; refuse everything else (WeasyPrint then skips it)."""

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols={"file"})
        self.static = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        prefix = _BASE + "static/"
        if url.startswith(prefix):
            path = (self.static / url[len(prefix) :].split("?", 1)[0]).resolve()
            if path.is_relative_to(self.static) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise ValueError(f"not fetched: {url}")


def html_to_pdf(html: str, static_folder: str) -> bytes:
    """Render ``html`` (a page of the platform, its print styles applied) as PDF."""
    return HTML(string=html, base_url=_BASE, url_fetcher=_StaticFiles(static_folder)).write_pdf()
