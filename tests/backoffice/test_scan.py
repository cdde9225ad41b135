"""The signed scan: only a real PDF, only up to the size limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govid.backoffice import flow
from govid.backoffice.errors import RequestRefused
from govid.backoffice.models import Scan
from govid.backoffice.pdfcheck import looks_like_pdf


def _minimal_pdf(header: bytes = b"%PDF-1.4\n") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = header
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


PDF = _minimal_pdf()


def test_a_real_pdf_passes():
    assert looks_like_pdf(PDF)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"0" * 100,  # a picture renamed .pdf
        b"%PDF-1.4\n" + b"x" * 100,  # a header and nothing behind it
        PDF.replace(b"xref\n0 4", b"junk\n0 4"),  # a trailer pointing at nothing
        PDF[:-20],  # cut short
        b"",
    ],
)
def test_what_only_pretends_to_be_a_pdf_is_refused(content):
    assert not looks_like_pdf(content)


def test_attach_refuses_a_fake_and_an_oversized_scan(world, settings):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.attach_scan(officer, request.pk, content=b"GIF89a...", ip=None)
    assert refused.value.code == "scan_not_pdf"
    settings.GOVID_BACKOFFICE = {"scan_max_bytes": 100}
    with pytest.raises(RequestRefused) as refused:
        flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    assert refused.value.code == "scan_too_big"
    settings.GOVID_BACKOFFICE = {}
    assert flow.attach_scan(officer, request.pk, content=PDF, ip=None).size == len(PDF)


def test_an_upload_over_the_limit_is_refused_before_it_is_read(world, settings):
    settings.GOVID_BACKOFFICE = {"scan_max_bytes": 1000}
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    client = world.client("officer")
    response = client.post(
        f"/van-phong/de-nghi/{request.pk}/ban-quet/",
        data=b"x" * 200_000,
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()


def test_a_nul_byte_in_an_upload_form_is_refused_after_its_size(world):
    """The size comes first (the test above); a NUL byte in a field is then the bad-input page,
    while the PDF itself, binary, may hold any byte."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    client = world.client("officer")
    url = f"/van-phong/de-nghi/{request.pk}/ban-quet/"
    response = client.post(url, {"note\x00": "x", "scan": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert not Scan.objects.filter(request=request).exists()
    binary = _minimal_pdf(b"%PDF-1.4\n%\x00\xe2\xe3\xcf\xd3\n")  # binary marker, a NUL in it
    response = client.post(url, {"scan": SimpleUploadedFile("a.pdf", binary)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Scan.objects.filter(request=request).exists()
