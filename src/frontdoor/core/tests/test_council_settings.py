"""An administrator sets the council's name, colour, logo, time zone and division."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from frontdoor.audit.models import ChangeLogEntry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form(**overrides):
    data = {
        "name": "Northshire Council",
        "brand_colour": "#1d4f91",
        "time_zone": "Europe/London",
        "division": "england-and-wales",
    }
    data.update(overrides)
    return data


def test_settings_are_saved_audited_and_the_logo_served(client, make_user, council):
    client.force_login(make_user("administrator"))
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(
        "/council/settings/", {**form(name="North Shire", division="scotland"), "logo": logo}
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.name == "North Shire" and council.division == "scotland"
    entry = ChangeLogEntry.objects.get(action="council.update_settings")
    assert set(entry.changes) == {"name", "brand_colour", "division", "logo"}
    served = client.get("/branding/northshire/logo")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"#1d4f91" in client.get("/branding/northshire.css").content


def test_a_colour_too_light_for_white_text_is_refused(client, make_user, council):
    client.force_login(make_user("administrator"))
    page = client.post("/council/settings/", form(brand_colour="#ffdd00")).content.decode()
    assert "choose a darker colour" in page
    council.refresh_from_db()
    assert council.brand_colour == "#0b0c0c"


def test_a_logo_that_is_not_png_or_jpeg_is_refused(client, make_user, council):
    client.force_login(make_user("administrator"))
    svg = SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    page = client.post("/council/settings/", {**form(), "logo": svg}).content.decode()
    assert "The logo must be a PNG or JPEG image" in page
    council.refresh_from_db()
    assert not council.logo


def test_only_administrators_change_settings(client, make_user):
    client.force_login(make_user("team_leader"))
    assert client.post("/council/settings/", form(name="Hijacked")).status_code == 403
