"""Single sign-on: off by default; when on, only linked, active staff sign in by subject."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from frontdoor.identity.actions import do_erase_staff_member, do_link_external_identity
from frontdoor.identity.sso import StaffOIDCBackend


@pytest.fixture
def backend(settings):
    for name in (
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
    ):
        setattr(settings, name, "https://idp.example.gov.uk/" + name.lower())
    return StaffOIDCBackend()


def test_single_sign_on_is_off_by_default(client, council, settings):
    assert settings.FRONTDOOR_OIDC_ENABLED is False
    assert "Sign in with your council account" not in client.get("/sign-in/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404  # the routes are not mounted


def test_a_linked_subject_finds_its_member_of_staff(backend, make_user):
    agent = make_user("agent")
    do_link_external_identity(actor=None, user=agent, system="oidc", external_id="abc-123")
    assert list(backend.filter_users_by_claims({"sub": "abc-123"})) == [agent]


def test_unknown_subjects_get_no_account(backend, make_user):
    assert not backend.filter_users_by_claims({"sub": "stranger"}).exists()
    assert backend.create_user({"sub": "stranger", "email": "x@example.gov.uk"}) is None
    assert not backend.verify_claims({"email": "no-subject@example.gov.uk"})


def test_erased_or_inactive_staff_cannot_sign_in_by_subject(backend, make_user):
    agent = make_user("agent")
    do_link_external_identity(actor=None, user=agent, system="oidc", external_id="abc-123")
    do_erase_staff_member(actor=None, user=agent)
    assert not backend.filter_users_by_claims({"sub": "abc-123"}).exists()


def test_enabling_it_without_the_identity_provider_settings_is_refused():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    environment.update({"FRONTDOOR_OIDC_ENABLED": "true", "DEBUG": "true"})
    result = subprocess.run(
        [sys.executable, "-m", "frontdoor", "check"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "FRONTDOOR_OIDC_ENABLED is true but these are not set: OIDC_RP_CLIENT_ID" in result.stderr
    )


def test_enabled_with_its_settings_the_sign_in_page_offers_it():
    environment = dict(os.environ)
    environment.update({"FRONTDOOR_OIDC_ENABLED": "true", "DEBUG": "true"})
    for name in (
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ):
        environment[name] = "https://idp.example.gov.uk/" + name.lower()
    code = (
        "import django; django.setup();"
        "from django.urls import reverse; print(reverse('oidc_authentication_init'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "/oidc/authenticate/", result.stderr
