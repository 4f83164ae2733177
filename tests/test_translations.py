"""The Simplified Chinese translation is complete and current.

Staff work in zh-hans: a string a user sees must never fall back to English
there. These tests fail when a marked string has no translation, when a
translation is left fuzzy, or when the catalogue misses strings of the code.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["frontdesk", "residents", "tickets", "billing", "templates", "manage.py"]


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_string_is_translated_and_none_is_fuzzy():
    """No entry of the zh-hans catalogue is empty or fuzzy."""
    catalogue = _catalogue()
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    """The committed .mo holds exactly the translations of the .po."""
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in _catalogue().translated_entries()
    }
    built = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in compiled if e.msgid}
    assert built == source


def test_catalogue_covers_every_marked_string(tmp_path):
    """makemessages on the current code finds no string missing from the catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is needed (Debian package gettext; .ci/run installs it)")
    copy = tmp_path / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore",
            "tests/*",
            "--ignore",
            "bench/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "frontdesk.settings",
            "FRONTDESK_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(copy),
        },
    )
    wanted = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    }
    have = {(e.msgctxt, e.msgid) for e in _catalogue()}
    assert sorted(m for _, m in wanted - have) == []


def test_a_page_string_is_shown_in_chinese():
    """With zh-hans active the desk's words come out in Chinese."""
    with translation.override("zh-hans"):
        assert translation.gettext("Households") == "住户"
