"""The directory's system checks: GOVID_MAIL_DOMAINS refused at start unless it can work."""

from __future__ import annotations

from govid.directory.checks import check_directory


def ids(settings, **directory: object) -> list[str]:
    settings.GOVID_DIRECTORY = directory
    return [message.id or "" for message in check_directory()]


def test_several_canonical_domains_including_the_main_one_pass(settings):
    assert ids(settings, mail_domains="soctrang.gov.vn, cantho.gov.vn") == []


def test_a_domain_not_in_canonical_form_is_refused(settings):
    for domain in (
        "cantho.gov.vn.",
        "CanTho.gov.vn",
        "cantho..gov.vn",
        "-cantho.gov.vn",
        "an@x.vn",
    ):
        assert ids(settings, mail_domains=f"soctrang.gov.vn,{domain}") == ["govid.E005"], domain


def test_a_list_without_the_main_domain_is_refused(settings):
    assert ids(settings, mail_domains="cantho.gov.vn") == ["govid.E006"]


def test_the_main_domain_must_be_canonical_too(settings):
    assert ids(settings, mail_domain="soctrang.gov.vn.") == ["govid.E004"]
