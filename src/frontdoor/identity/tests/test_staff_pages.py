"""Administrators add, change and erase staff through the pages; every change is audited."""

from __future__ import annotations

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.identity.models import ExternalIdentity, User
from frontdoor.identity.roles import roles_of
from frontdoor.testing.factories import TeamFactory, UserFactory


def test_an_administrator_adds_a_member_of_staff_with_roles_teams_and_a_telephony_id(
    client, make_user, council
):
    team = TeamFactory(council=council, name="Housing line")
    client.force_login(make_user("administrator"))
    response = client.post(
        "/staff/add/",
        {
            "username": "rjones",
            "first_name": "Rhys",
            "last_name": "Jones",
            "email": "rhys.jones@northshire.gov.uk",
            "roles": ["agent"],
            "teams": [team.pk],
            "telephony_id": "4471",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="rjones")
    assert roles_of(person) == ["agent"] and list(person.teams.all()) == [team]
    assert ExternalIdentity.objects.get(system="telephony", external_id="4471").user == person
    assert not person.has_usable_password()
    assert {"staff.create", "staff.set_roles", "team.add_member", "staff.link_external_id"} <= set(
        ChangeLogEntry.objects.values_list("action", flat=True)
    )


def test_a_bad_form_shows_each_problem_and_changes_nothing(client, make_user):
    make_user(username="taken")
    client.force_login(make_user("administrator"))
    response = client.post("/staff/add/", {"username": "taken", "email": "not an email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "That username is taken" in page
    assert "Enter a valid email address" in page
    assert not ChangeLogEntry.objects.exists()


def test_changing_roles_on_the_edit_page(client, make_user):
    person = make_user("agent", username="amira")
    client.force_login(make_user("administrator"))
    client.post(
        f"/staff/{person.pk}/",
        {
            "username": "amira",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "roles": ["agent", "team_leader"],
        },
    )
    assert roles_of(person) == ["agent", "team_leader"]


def test_erasing_needs_confirmation_then_removes_the_person(client, make_user):
    person = make_user("agent", username="amira")
    client.force_login(make_user("administrator"))
    unconfirmed = client.post(f"/staff/{person.pk}/erase/", {})
    assert "Confirm that you want to erase this person" in unconfirmed.content.decode()
    client.post(f"/staff/{person.pk}/erase/", {"confirm": "on"})
    person.refresh_from_db()
    assert person.erased_at and person.username == f"erased-{person.pk}" and not person.is_active


def test_staff_of_another_council_cannot_be_opened(client, make_user, other_council):
    stranger = UserFactory(council=other_council)
    client.force_login(make_user("administrator"))
    assert client.get(f"/staff/{stranger.pk}/").status_code == 404
    assert client.post(f"/staff/{stranger.pk}/erase/", {"confirm": "on"}).status_code == 404
