"""HTML → PDF with WeasyPrint, so the report's PDF is the very page the browser prints, with
the same SVG charts. WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0); see
docs/dependencies.md."""

from __future__ import annotations

from typing import Any


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The report carries its styles and charts inline; nothing is fetched, so a label in a
    # code list can never make the server request a URL.
    raise ValueError(f"External resources are not loaded: {url}")


def render_pdf(html: str, *, base_url: str = "") -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango is not installed
        raise PdfUnavailable(str(exc)) from exc
    return HTML(string=html, base_url=base_url or None, url_fetcher=_no_fetching).write_pdf()
