"""PDF rendering: Chinese text in the SC face, only the app's static files fetched."""

import base64
import io

import pytest
from django.template import engines
from pypdf import PdfReader

from frontdesk.core import pdf

TEMPLATE = """{% extends "print/base.html" %}{% block body %}
<h1>维修派工单</h1><p>住户：3栋1502 王建国</p><img src="{{ qr }}" alt="">
{% endblock %}"""


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_chinese_text_is_in_the_pdf_in_the_simplified_chinese_face():
    """The PDF's text layer holds the Chinese text, set in Noto Sans CJK SC, subset."""
    html = engines["django"].from_string(TEMPLATE).render({"qr": pdf.qr_data_uri("x")})
    data = pdf.html_to_pdf(html)

    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "维修派工单" in text
    assert "3栋1502 王建国" in text
    fonts = _fonts(data)
    assert any(name.endswith("Noto-Sans-CJK-SC") for name in fonts), fonts
    # A subset font is named with a six-letter tag: "ABCDEF+Noto-Sans-CJK-SC".
    assert all("+" in name for name in fonts), fonts
    # The whole CJK collection is 20 MB; a subset page stays small.
    assert len(data) < 400_000


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        f"{pdf.BASE_URL}media/households/secret.pdf",
        f"{pdf.BASE_URL}static/../frontdesk/settings.py",
        f"{pdf.BASE_URL}static/css/../../manage.py",
        f"{pdf.BASE_URL}static/css/missing.css",
    ],
)
def test_fetcher_refuses_anything_but_the_apps_static_files(url):
    """Remote URLs, local files, uploads and path tricks are refused by the print fetcher."""
    with pytest.raises(pdf.FetchRefused):
        pdf.static_file_path(url)


def test_fetcher_serves_the_print_stylesheet():
    """The print stylesheet linked by a template is found among the static files."""
    path = pdf.static_file_path(f"{pdf.BASE_URL}static/css/print.css")
    assert path.endswith("css/print.css")


def test_a_refused_resource_is_left_out_of_the_pdf(tmp_path):
    """An <img> pointing at a local file renders without it instead of reading the file."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(base64.b64decode(pdf.qr_data_uri("secret").split(",", 1)[1]))
    html = (
        f'<html><body><p>公告</p><img src="file://{secret}">'
        f'<img src="{pdf.qr_data_uri("allowed")}"></body></html>'
    )
    data = pdf.html_to_pdf(html)
    reader = PdfReader(io.BytesIO(data))
    assert "公告" in reader.pages[0].extract_text()
    # Only the data-URI image made it in.
    assert len(list(reader.pages[0].images)) == 1


def test_pdf_response_offers_inline_or_attachment():
    """The response helper sets the PDF type and an inline or download disposition."""
    inline = pdf.pdf_bytes_response(b"%PDF-1.7", filename="WX-2026-000001.pdf")
    download = pdf.pdf_bytes_response(b"%PDF-1.7", filename="WX-2026-000001.pdf", attachment=True)
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"] == 'inline; filename="WX-2026-000001.pdf"'
    assert download["Content-Disposition"].startswith("attachment;")


def test_qr_code_data_uris():
    """QR codes come as PNG or SVG data URIs ready for an <img>."""
    assert pdf.qr_data_uri("https://desk/t/1/").startswith("data:image/png;base64,")
    assert pdf.qr_data_uri("https://desk/t/1/", image="svg").startswith("data:image/svg+xml")
