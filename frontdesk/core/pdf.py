"""PDF rendering of the desk's printed forms (work orders, registers, reports).

A page is an ordinary Django template rendered to HTML and laid out by
WeasyPrint. Three things keep it fast and safe with Chinese text:

- one CJK font, chosen by family name in the print stylesheet
  (``font-family: "Noto Sans CJK SC"``): fontconfig then picks the Simplified
  Chinese face of Debian's ``NotoSansCJK-*.ttc`` (the file's first face is the
  Japanese one, whose glyphs differ for many characters);
- WeasyPrint subsets that font to the glyphs used, with HarfBuzz when
  ``libharfbuzz-subset0`` is installed (seconds faster than fontTools on a
  CJK font);
- ``StaticOnlyFetcher`` serves the app's own static files and ``data:`` URIs
  (QR codes) and refuses everything else, so a template can never make the
  server fetch a remote or local file it should not read.

Print templates use block layout (no big tables, no CSS framework).
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Mapping
from io import BytesIO
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

# WeasyPrint resolves relative URLs in the HTML against this base. It is never
# contacted: the fetcher maps its static paths to files on disk.
BASE_URL = "https://print.frontdesk.invalid/"


class FetchRefused(ValueError):
    """A print template asked for something other than the app's static files."""


def _weasyprint() -> Any:
    # Imported on first use: WeasyPrint loads Pango and HarfBuzz, which the
    # rest of the app (and every management command) does not need.
    import weasyprint

    return weasyprint


def static_file_path(url: str) -> str:
    """The file on disk behind a static URL of this app, or FetchRefused."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise FetchRefused(f"Only the app's static files may be used in print: {url}")
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        raise FetchRefused(f"Not a static file: {url}")
    relative = path[len(static_prefix) :]
    normalized = posixpath.normpath(relative)
    if normalized != relative or normalized.startswith(("..", "/")) or "\x00" in normalized:
        raise FetchRefused(f"Not a static file: {url}")
    found = finders.find(normalized)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return str(found)
    if staticfiles_storage.exists(normalized):
        return str(staticfiles_storage.path(normalized))
    raise FetchRefused(f"No such static file: {url}")


def _fetcher_class() -> type:
    weasyprint = _weasyprint()

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Serves `data:` URIs and the app's static files; refuses everything else."""

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_path(url)
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = _content_type(path)
            return weasyprint.urls.URLFetcherResponse(
                url, body, headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def _content_type(path: str) -> str:
    guessed, _encoding = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


# Built once per process, not once per document: the FontConfiguration (reading
# fontconfig's cache costs more than laying out a page), the parsed print stylesheet,
# and the TLS context that WeasyPrint's fetcher would otherwise load the system's
# certificates into for every document (it never goes out: see StaticOnlyFetcher).
PRINT_STYLESHEET = "css/print.css"
_font_config: Any = None
_stylesheet: Any = None
_ssl_context: Any = None


def _font_configuration() -> Any:
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _fetcher() -> Any:
    global _ssl_context
    if _ssl_context is None:
        import ssl

        _ssl_context = ssl.create_default_context()
    return _fetcher_class()(
        allowed_protocols=("data", "https"), timeout=5, ssl_context=_ssl_context
    )


def _print_stylesheet() -> Any:
    """The print stylesheet, parsed once per process (with DEBUG, on each document, so an
    edited stylesheet shows at once)."""
    global _stylesheet
    if _stylesheet is None or settings.DEBUG:
        with open(
            static_file_path(BASE_URL + settings.STATIC_URL.strip("/") + "/" + PRINT_STYLESHEET),
            "rb",
        ) as handle:
            css = handle.read().decode()
        _stylesheet = _weasyprint().CSS(
            string=css, base_url=BASE_URL, url_fetcher=_fetcher(), font_config=_font_configuration()
        )
    return _stylesheet


def html_to_pdf(html: str) -> bytes:
    """Lay out an HTML document as a PDF, with the print stylesheet (the templates of
    `print/` link none: it is applied here, parsed once)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    output = BytesIO()
    document.write_pdf(
        output,
        stylesheets=[_print_stylesheet()],
        font_config=_font_configuration(),
        uncompressed_pdf=False,
        full_fonts=False,
        hinting=False,
    )
    return output.getvalue()


def render_pdf(
    template_name: str | list[str],
    context: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> bytes:
    """Render a template to HTML, then to a PDF."""
    return html_to_pdf(render_to_string(template_name, context or {}, request=request))


def pdf_response(
    template_name: str | list[str],
    context: dict[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    filename: str = "document.pdf",
    attachment: bool = False,
) -> HttpResponse:
    """A PDF rendered from a template, shown in the browser or offered as a download."""
    return pdf_bytes_response(
        render_pdf(template_name, context, request=request),
        filename=filename,
        attachment=attachment,
    )


def pdf_bytes_response(pdf: bytes, *, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_name = get_valid_filename(filename) or "document.pdf"
    response["Content-Disposition"] = content_disposition_header(attachment, safe_name)
    response["Cache-Control"] = "private, no-store"
    return response


# --- QR codes -------------------------------------------------------------------


def qr_data_uri(text: str, *, image: str = "png", scale: int = 4) -> str:
    """A QR code of `text` as a data URI for an <img> on a page or in a PDF.

    PNG is the default for print: WeasyPrint embeds it as is, while an SVG is
    laid out path by path. Error correction M survives a crease or a smudge.
    The mask pattern is fixed (any of the eight is valid): scoring all eight
    took two thirds of the time, and a day's print run makes a hundred codes.
    """
    import segno

    code = segno.make(text, error="m", micro=False, boost_error=False, mask=0)
    if image == "svg":
        return str(code.svg_data_uri(scale=scale, border=1, dark="#111"))
    return str(code.png_data_uri(scale=scale, border=1))
