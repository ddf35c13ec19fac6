"""Certificates (志愿服务记录证明): the signature holds for exactly what was
issued, and the PDF carries the fields, in Chinese, without the phone."""
import base64
import io

import pytest
import segno
from pypdf import PdfReader

from scripts import run
from services.volunteering import certificates, signing
from services.volunteering.config import VolunteeringSettings
from shared import config

KEY = "5e" * 32
OTHER_KEY = "7a" * 32
SETTINGS = VolunteeringSettings(signing_key=KEY, public_url="https://hongyi.example.cn")
CONTENT = certificates.content_of(
    {"name": "赵凯锋", "phone": "13800000002", "membership": {"member_number": "HY2026000123"}},
    [{"title": "清凉驿站送水", "venue": "海盐武原城市红色驿站", "date": "2026-07-18",
      "hours": 2.5},
     {"title": "电动车安全检查", "venue": "秦山街道户外劳动者服务站", "date": "2026-08-02",
      "hours": 3.0}],
    "2026-12-02", certificates.number(2026, 123))
ISSUED = {"_id": CONTENT["number"], "content": CONTENT,
          "signature": signing.sign(KEY, CONTENT)}


def test_a_genuine_certificate_verifies():
    answer = certificates.verification(ISSUED, SETTINGS)
    assert answer["genuine"] is True and answer["total_hours"] == 5.5
    assert answer["public_key"] == signing.public_key(KEY)
    assert CONTENT["number"] == "HYZY-2026-000123"


@pytest.mark.parametrize("change", [
    lambda c: c["activities"][0].update(hours=25),
    lambda c: c.update(volunteer_name="赵凯锋锋"),
    lambda c: c.update(total_hours=55),
    lambda c: c.update(number="HYZY-2026-000124"),
])
def test_a_changed_hour_name_or_number_fails(change):
    tampered = {"activities": [dict(line) for line in CONTENT["activities"]]}
    tampered = dict(CONTENT, **tampered)
    change(tampered)
    answer = certificates.verification(dict(ISSUED, content=tampered), SETTINGS)
    assert answer["genuine"] is False


@pytest.mark.parametrize("signature", [
    signing.sign(OTHER_KEY, CONTENT), "not base64!", "", ISSUED["signature"][:-4] + "AAAA"])
def test_a_signature_from_another_key_or_not_a_signature_fails(signature):
    assert signing.verify(signing.public_key(KEY), CONTENT, signature) is False


def test_the_pdf_has_the_fields_in_chinese_and_no_phone():
    download = certificates.download(ISSUED, SETTINGS)
    pdf = base64.b64decode(download["content_base64"])
    assert pdf.startswith(b"%PDF") and download["filename"].endswith(".pdf")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    for shown in ("志愿服务记录证明", "赵凯锋", "HY2026000123", "HYZY-2026-000123",
                  "清凉驿站送水", "海盐县总工会", "2026-12-02", "5.5"):
        assert shown in text, shown
    assert "13800000002" not in text and "0002" not in text
    assert "https://hongyi.example.cn/api/v1/certificates/HYZY-2026-000123/verification" \
        in text.replace("\n", "")


def test_the_qr_code_encodes_the_verification_link():
    link = certificates.verification_url(SETTINGS, "HYZY-2026-000123")
    assert certificates.QrCode(link, 100).matrix == \
        segno.make_qr(link, error="m").matrix
    assert certificates.QrCode(link, 100).matrix != \
        segno.make_qr(link + "x", error="m").matrix


def test_a_certificate_asked_again_with_nothing_new_keeps_its_number():
    later = dict(CONTENT, number=None, issued_on="2026-12-09")
    assert certificates.same_record(ISSUED, later)
    more = dict(later, total_hours=8.0)
    assert not certificates.same_record(ISSUED, more)


@pytest.mark.parametrize("value", ["", "abc", "5e" * 31, "zz" * 32])
def test_the_service_refuses_to_start_without_a_valid_key(monkeypatch, value):
    monkeypatch.setenv("CERTIFICATE_SIGNING_KEY", value)
    with pytest.raises(RuntimeError):
        config.certificate_signing_key()


def test_make_run_keeps_its_keys_across_restarts(tmp_path, monkeypatch):
    for setting in ("CERTIFICATE_SIGNING_KEY", "PSEUDONYM_KEY"):
        monkeypatch.delenv(setting, raising=False)
    first = run.environment(tmp_path)
    again = run.environment(tmp_path)
    for setting, name in (("CERTIFICATE_SIGNING_KEY", "certificate_signing_key"),
                          ("PSEUDONYM_KEY", "pseudonym_key")):
        assert again[setting] == first[setting] and len(bytes.fromhex(first[setting])) == 32
        assert oct((tmp_path / name).stat().st_mode)[-3:] == "600"
    assert first["CERTIFICATE_SIGNING_KEY"] != first["PSEUDONYM_KEY"]

