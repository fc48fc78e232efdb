"""The Indonesian translation (the default language) is complete, keeps every placeholder,
and is what users actually get: the WORKFLOW.md state labels, and notification e-mails in
each recipient's own language.

The compiled catalogues (*.mo) are not in git; `make test` compiles them first, and this
module compiles them too when they are missing or older than their .po file.
"""

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.signals import setting_changed
from django.utils import translation

from curation import services
from curation.models import Notification
from curation.notices import render
from kernel.roles import Role
from kernel.states import State
from tests import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = {lang: LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("id", "en")}

# WORKFLOW.md, "States of an application": the official Indonesian labels.
WORKFLOW_LABELS = {
    State.DRAFT: ("Draf", "Draft"),
    State.SUBMITTED: ("Diajukan", "Submitted"),
    State.IN_CURATION: ("Dalam Kurasi", "In curation"),
    State.REVISION_REQUESTED: ("Perlu Perbaikan", "Revision requested"),
    State.PACKAGING_REVIEW: ("Tinjauan Kemasan", "Packaging review"),
    State.PACKAGING_REVISION: ("Perbaikan Kemasan", "Packaging revision"),
    State.AWAITING_CERTIFICATION: ("Menunggu Sertifikasi", "Awaiting certification"),
    State.CERTIFIED: ("Tersertifikasi", "Certified"),
    State.REJECTED: ("Ditolak", "Rejected"),
    State.WITHDRAWN: ("Ditarik", "Withdrawn"),
}

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]")
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[dict]:
    """The live entries of a .po file (not the header, not obsolete ones), each a dict with
    "flags" (a set) and its fields: msgctxt, msgid, msgid_plural, msgstr or msgstr[n]."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, previous msgids (#|) and obsolete entries (#~)
        elif line.startswith('"'):
            entry[key] += _unquote(line)
        else:
            key, _, rest = line.partition(" ")
            entry[key] = _unquote(rest)
    return [e for e in entries if e["msgid"]]


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def _stale(lang: str) -> bool:
    mo = PO[lang].with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < PO[lang].stat().st_mtime


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    stale = [lang for lang in PO if _stale(lang)]
    if stale:
        call_command("compilemessages", locale=stale, ignore=[".venv"], verbosity=0)
        # Forget catalogues loaded before the compilation, as override_settings would.
        setting_changed.send(
            sender=type(settings._wrapped),
            setting="LOCALE_PATHS",
            value=settings.LOCALE_PATHS,
            enter=True,
        )


def test_both_catalogues_exist_with_the_same_messages():
    ids = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(PO["id"])}
    en = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(PO["en"])}
    assert len(ids) > 100
    assert ids == en, "run makemessages for both languages: -l id -l en"


def test_every_message_is_translated_into_indonesian_and_none_is_fuzzy():
    entries = parse_po(PO["id"])
    untranslated = [e["msgid"] for e in entries if not all(translations(e))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_the_header_is_not_fuzzy_and_has_one_plural_form():
    header = PO["id"].read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: id\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in parse_po(PO["id"]):
        if "msgid_plural" in entry:
            # One Indonesian form stands for every count, so it names every placeholder.
            expected = set(PLACEHOLDER.findall(entry["msgid"] + entry["msgid_plural"]))
            wrong += [
                (entry["msgid"], text)
                for text in translations(entry)
                if set(PLACEHOLDER.findall(text)) != expected
            ]
        else:
            expected = Counter(PLACEHOLDER.findall(entry["msgid"]))
            if Counter(PLACEHOLDER.findall(entry["msgstr"])) != expected:
                wrong.append((entry["msgid"], entry["msgstr"]))
    assert wrong == []


def test_python_format_flags_match_the_messages():
    """Every message with a %(name)s placeholder is flagged python-format, so msgfmt checks
    the translation's placeholders when compiling."""
    unflagged = [
        e["msgid"]
        for e in parse_po(PO["id"])
        if re.search(r"%\(\w+\)s", e["msgid"]) and "python-format" not in e["flags"]
    ]
    assert unflagged == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")
@pytest.mark.parametrize("lang", PO)
def test_msgfmt_accepts_the_catalogue(lang):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO[lang])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    if lang == "id":
        assert "untranslated" not in result.stderr, result.stderr


def test_state_labels_are_those_of_the_workflow():
    with translation.override("id"):
        assert {state: str(state.label) for state in State} == {
            state: labels[0] for state, labels in WORKFLOW_LABELS.items()
        }
    with translation.override("en"):
        assert {state: str(state.label) for state in State} == {
            state: labels[1] for state, labels in WORKFLOW_LABELS.items()
        }


def test_a_notification_renders_in_the_active_language(office):
    application = office.new_application()
    notice = Notification(
        recipient=office.coordinator, application=application, event="submit", comment="Mohon"
    )
    with translation.override("id"):
        subject, body = render(notice)
    assert subject == "Pengajuan baru: Sambal Pecel Bu Rini"
    assert body == (
        "Sambal Bu Rini mengajukan Sambal Pecel Bu Rini untuk dikurasi. "
        "Silakan tetapkan kuratornya.\n\nMohon"
    )
    with translation.override("en"):
        subject, body = render(notice)
    assert subject == "New application: Sambal Pecel Bu Rini"
    assert body.startswith("Sambal Bu Rini submitted Sambal Pecel Bu Rini for curation.")


def test_each_recipient_gets_the_e_mail_in_their_own_language(
    office, django_capture_on_commit_callbacks
):
    english = f.UserFactory(
        username="coordinator-en", roles=[Role.COORDINATOR], regions=[office.business.region]
    )
    for user, language in [(office.coordinator, "id"), (english, "en")]:
        user.profile.language = language
        user.profile.save(update_fields=["language"])
    application = office.new_application()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    # (The MSME's own confirmation aside: tests/workflow/test_emails.py.)
    subjects = {m.to[0]: m.subject for m in mail.outbox if m.to[0] != office.msme.email}
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert subjects == {
        office.coordinator.email: "[Siap Ekspor] Pengajuan baru: Sambal Pecel Bu Rini",
        english.email: "[Siap Ekspor] New application: Sambal Pecel Bu Rini",
    }
    assert "Silakan tetapkan kuratornya." in bodies[office.coordinator.email]
    assert "Assign its curators." in bodies[english.email]
