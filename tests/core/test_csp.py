"""Every page carries a Content-Security-Policy that allows no inline script."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response):
    parts = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in parts if words}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/", "/tickets/", "/api/docs/", "/api/v1/projects/"])
def test_pages_and_api_carry_a_policy_without_inline_script(client, desk_user, url):
    """Scripts and styles come only from the desk's own origin: no inline code, no eval."""
    if url != "/login/":
        client.force_login(desk_user)
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    if url != "/api/docs/":  # Swagger UI sets an inline style of its own, there only
        assert policy["style-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_docs_script_is_served_as_a_file(client, desk_user):
    """The API documentation page loads its start-up script from a URL, not inline."""
    client.force_login(desk_user)
    html = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script>(?!\s*</script>)", html)
    script = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    response = client.get(script)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


def test_templates_have_no_inline_script_style_or_event_handler():
    """No template holds code the policy would refuse: inline <script>, on…= handlers, style=."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and "application/json" not in attributes:
                found.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            found.append(f"{path.name}: event handler attribute")
        if re.search(r"\sstyle\s*=", text) and not path.parent.name == "print":
            found.append(f"{path.name}: style attribute")
    assert found == []
