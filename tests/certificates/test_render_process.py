"""What a rendering process keeps between documents, so that a long-lived worker stays
fast and its memory flat: one WeasyPrint font configuration, and the signing key read
once (again when the file or the passphrase changes)."""

import os

import pytest
from pyhanko.sign import signers
from weasyprint import HTML
from weasyprint.text import fonts

from certificates import dossier, rendering, signing
from tests import certificate_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a process that has rendered nothing yet; every FontConfiguration made and
    every font configuration a render was given, recorded."""
    monkeypatch.setattr(rendering, "_font_config", None)
    monkeypatch.setattr(rendering, "_font_config_pid", 0)
    seen = {"made": [], "used": []}
    real_init = fonts.FontConfiguration.__init__
    real_write = HTML.write_pdf

    def init(self, *args, **kwargs):
        seen["made"].append(self)
        real_init(self, *args, **kwargs)

    def write(self, *args, **kwargs):
        seen["used"].append(kwargs.get("font_config"))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(fonts.FontConfiguration, "__init__", init)
    monkeypatch.setattr(HTML, "write_pdf", write)
    return seen


def test_renders_share_one_font_configuration_per_process(certificate, fresh_process):
    first = rendering.render_certificate_pdf(certificate)
    second = rendering.render_certificate_pdf(certificate)
    dossier.render_specification_pdf(certificate)

    assert len(fresh_process["made"]) == 1
    (made,) = fresh_process["made"]
    assert len(fresh_process["used"]) == 3
    assert all(used is made for used in fresh_process["used"])
    assert rendering.font_configuration() is made
    # Sharing it changes nothing in what is printed: the same HTML, the same bytes.
    assert first == second
    assert h.pdf_text(first).count(certificate.number) >= 1


def test_a_forked_process_makes_its_own(certificate, fresh_process, monkeypatch):
    rendering.render_certificate_pdf(certificate)
    parent = rendering.font_configuration()
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as seen from a child process
    child = rendering.font_configuration()
    assert child is not parent
    assert rendering.font_configuration() is child
    assert len(fresh_process["made"]) == 2


@pytest.fixture
def loads(monkeypatch):
    """Counts how often the PKCS#12 file is parsed, from a process that has none loaded."""
    signing.forget_signer()
    calls = {"count": 0}
    real = signers.SimpleSigner.load_pkcs12_data

    def counting(*args, **kwargs):
        calls["count"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(signers.SimpleSigner, "load_pkcs12_data", counting)
    yield calls
    signing.forget_signer()


def test_the_signing_key_is_read_once_per_process(loads, settings, signing_key):
    settings.SIGNING_PKCS12_PATH = signing_key
    first = signing.load_signer()
    assert signing.load_signer() is first
    assert signing.load_signer() is first
    assert loads["count"] == 1


def test_another_key_file_is_read_at_once(loads, settings, signing_key, tmp_path):
    settings.SIGNING_PKCS12_PATH = signing_key
    first = signing.load_signer()

    # Another path (a test's own key, a new setting)...
    other = h.make_signing_key(tmp_path)
    settings.SIGNING_PKCS12_PATH = other
    second = signing.load_signer()
    assert second is not first
    assert second.signing_cert != first.signing_cert

    # ...or the same path with a new key written over it (a renewed certificate).
    signing.create_development_key(other, common_name=h.TEST_SIGNER, overwrite=True)
    third = signing.load_signer()
    assert third.signing_cert != second.signing_cert
    assert loads["count"] == 3
    assert signing.load_signer() is third


def test_a_new_passphrase_reads_the_key_again(loads, settings, signing_key):
    settings.SIGNING_PKCS12_PATH = signing_key
    signing.load_signer()
    settings.SIGNING_PKCS12_PASSPHRASE = "not the passphrase"
    with pytest.raises(Exception, match="wrong SIGNING_PKCS12_PASSPHRASE"):
        signing.load_signer()


def test_the_development_key_is_refused_in_production_even_once_loaded(loads, settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = tmp_path / "development.p12"
    settings.DEBUG = True
    development = signing.load_signer()  # made on first use, with DEBUG on
    assert signing.is_development_key(development)
    settings.DEBUG = False
    with pytest.raises(signing.SigningKeyMissing, match="development key"):
        signing.load_signer()
    assert loads["count"] == 1


def test_signatures_with_the_kept_key_are_valid(certificate, signing_key):
    """The space for the signature is worked out once per key, not per document: each
    signature still fits and validates."""
    trust = h.trusted_certificate(signing_key)
    unsigned = rendering.render_certificate_pdf(certificate)
    signer = signing.load_signer()
    for reason in ("one", "two"):
        signed = signing.sign_pdf(unsigned, signer=signer, reason=reason, location="Kediri")
        status = h.signature_status(signed, trust)
        assert status.intact and status.valid
