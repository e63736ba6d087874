"""HTML to PDF with WeasyPrint, reading only the platform's own static files (never the network)."""

from pathlib import Path

#: The address the page's own links start from; only ``/static/`` is fetched, from disk.
_BASE = "https://rapport.invalid/"


def html_to_pdf(html: str, static_folder: str) -> bytes:
    """Render ``html`` (a page of the platform, its print styles applied) as PDF.

    WeasyPrint is imported here, not with the app: it loads the system's Pango, and a host
    without it still runs every other page (only this download then fails).
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    static = Path(static_folder).resolve()

    class StaticFiles(URLFetcher):
        """Fetch ``/static/...`` from the static folder; refuse everything else (WeasyPrint then skips it)."""

        def fetch(self, url, headers=None):
            prefix = _BASE + "static/"
            if url.startswith(prefix):
                path = (static / url[len(prefix) :].split("?", 1)[0]).resolve()
                if path.is_relative_to(static) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise ValueError(f"not fetched: {url}")

    return HTML(string=html, base_url=_BASE, url_fetcher=StaticFiles(allowed_protocols={"file"})).write_pdf()
