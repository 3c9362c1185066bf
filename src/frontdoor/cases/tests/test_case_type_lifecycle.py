"""Adding, retiring, reinstating and deleting case types: administrators add a type (the usual
statuses for its kind, or a copy of another type's), retire one so it is no longer offered for
new cases while its cases keep it, reinstate it, and delete only a type no case used. Each
change writes an audit row; nobody without configure_cases may make one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases.actions import (
    NOTED_STATUSES,
    STANDARD_STATUSES,
    STANDARD_TRANSITIONS,
    do_change_status,
    do_configure_case_type,
    do_open_case,
    do_set_status_update,
)
from frontdoor.cases.case_type_actions import (
    default_workflow,
    deletion_blockers,
    do_create_case_type,
    do_delete_case_type,
    do_reinstate_case_type,
    do_retire_case_type,
    type_id_from_name,
)
from frontdoor.cases.engine.policies import policy_from_data
from frontdoor.cases.forms import OpenCaseForm, StatusUpdateForm
from frontdoor.cases.models import Case, CaseType, StatusUpdateRule
from frontdoor.identity.actions import do_issue_api_token
from frontdoor.testing.factories import CouncilFactory, UserFactory


@pytest.fixture
def admin(setup, make_user):
    return make_user("administrator", username="admin")


@pytest.fixture
def admin_client(admin, client):
    client.force_login(admin)
    return client


def _new(**values: str) -> dict[str, str]:
    """What the add page sends: a service request with the usual statuses, unless changed."""
    data = {
        "name": "Pest control request",
        "type_id": "",
        "kind": "service-request",
        "procedure": "",
        "amount": "",
        "unit": "working-days",
        "template": "",
        "copy_clock": "on",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def _logged(action: str, case_type_pk: int) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            action=action, object_type="cases.casetype", object_id=str(case_type_pk)
        )
    )


def _add(admin, setup, type_id: str = "pest-control", **values) -> CaseType:
    values.setdefault("name", "Pest control request")
    values.setdefault("kind", "service-request")
    return do_create_case_type(actor=admin, council=setup.council, type_id=type_id, **values)


def _open(setup, case_type: CaseType) -> Case:
    return do_open_case(
        actor=setup.officer,
        council=setup.council,
        case_type=case_type,
        service=setup.housing_service,
        summary="Rats in the communal bins",
        owner_team=setup.housing,
    )


# Adding ----------------------------------------------------------------------------------------


def test_the_list_offers_to_add_a_type_and_the_add_page_shows_the_questions(admin_client):
    page = admin_client.get("/cases/types/").content.decode()
    assert 'href="/cases/types/new/"' in page
    form = admin_client.get("/cases/types/new/")
    assert form.status_code == 200
    html = form.content.decode()
    for name in ("name", "type_id", "kind", "procedure", "amount", "unit", "template"):
        assert f'name="{name}"' in html
    assert 'name="copy_clock" type="checkbox" aria-describedby="id_copy_clock-hint" checked' in html
    assert ">Subject access request<" in html  # a type to copy, and a kind


def test_an_administrator_adds_a_service_request_type_and_lands_on_its_page(
    admin_client, admin, setup
):
    response = admin_client.post("/cases/types/new/", _new(amount="5"))
    assert response.status_code == 302
    assert response["Location"] == "/cases/types/pest-control-request/"
    case_type = CaseType.objects.get(council=setup.council, type_id="pest-control-request")
    assert case_type.name == "Pest control request"
    assert case_type.kind == "service-request"
    assert case_type.active and not case_type.built_in
    assert case_type.statuses == STANDARD_STATUSES
    assert case_type.transitions == STANDARD_TRANSITIONS
    assert case_type.initial_status == "new"
    policy = policy_from_data(case_type.clock_params)
    assert (policy.respond.amount, str(policy.respond.unit)) == (5, "working-days")
    assert policy.calendar.closures is True
    landed = admin_client.get(response["Location"]).content.decode()
    assert "Pest control request added" in landed
    assert "Change Pest control request" in landed

    [entry] = _logged("case_type.create", case_type.pk)
    assert entry.actor == admin
    assert entry.council_id == setup.council.pk
    assert entry.changes["type_id"] == {"old": None, "new": "pest-control-request"}
    assert entry.changes["kind"] == {"old": None, "new": "service-request"}


def test_an_id_typed_in_is_used_as_it_is(admin_client, setup):
    response = admin_client.post("/cases/types/new/", _new(type_id="  Pests  "))
    assert response["Location"] == "/cases/types/pests/"
    assert CaseType.objects.filter(council=setup.council, type_id="pests").exists()


def test_a_duplicate_id_is_refused_in_the_error_summary(admin_client, setup):
    before = CaseType.objects.filter(council=setup.council).count()
    response = admin_client.post("/cases/types/new/", _new(type_id="complaint"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_type_id">There is already a case type with the ID complaint</a>' in html
    assert "<title>Error:" in html
    assert CaseType.objects.filter(council=setup.council).count() == before


def test_a_retired_types_id_is_still_taken(admin, setup):
    do_retire_case_type(actor=admin, case_type=setup.types["comment"])
    with pytest.raises(ValidationError) as error:
        _add(admin, setup, type_id="comment")
    assert "type_id" in error.value.message_dict


def test_a_bad_id_is_refused_and_the_other_answers_are_kept(admin_client, setup):
    response = admin_client.post(
        "/cases/types/new/",
        _new(type_id="pest control!", amount="7", unit="calendar-days", template="complaint"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<a href="#id_type_id">The ID must only include lowercase letters, numbers and hyphens'
        in html
    )
    assert 'value="Pest control request"' in html
    assert 'value="pest control!"' in html
    assert 'value="service-request" checked' in html
    assert 'value="7"' in html
    assert '<option value="calendar-days" selected>' in html
    assert '<option value="complaint" selected>' in html
    assert not CaseType.objects.filter(council=setup.council, name="Pest control request").exists()


def test_a_taken_id_made_from_the_name_is_put_in_the_box_to_correct(admin_client):
    response = admin_client.post("/cases/types/new/", _new(name="Complaint", kind="complaint"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is already a case type with the ID complaint" in html
    assert 'name="type_id" type="text" value="complaint"' in html


@pytest.mark.parametrize("type_id", ["new", "a" * 64, "pest--control", "-pests", "pest_control"])
def test_ids_that_cannot_be_used(admin, setup, type_id):
    with pytest.raises(ValidationError) as error:
        _add(admin, setup, type_id=type_id)
    assert list(error.value.message_dict) == ["type_id"]


def test_an_id_is_made_from_a_name():
    assert type_id_from_name("Pest control: rats & mice") == "pest-control-rats-mice"
    assert type_id_from_name("Noise_nuisance") == "noise-nuisance"
    assert type_id_from_name("Café licence") == "cafe-licence"
    assert type_id_from_name("!!!") == ""


def test_a_name_and_a_kind_are_needed(admin_client):
    response = admin_client.post("/cases/types/new/", _new(name="", kind=None))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_name">Enter a name for the case type</a>' in html
    assert '<a href="#id_kind_0">Choose the kind of case</a>' in html


def test_a_complaint_type_follows_the_chosen_procedure(admin_client, setup):
    response = admin_client.post(
        "/cases/types/new/",
        _new(name="Housing complaint", kind="complaint", procedure="spso-mchp"),
    )
    assert response.status_code == 302
    case_type = CaseType.objects.get(council=setup.council, type_id="housing-complaint")
    assert case_type.clock_policy == "spso-mchp" and case_type.clock_params is None


def test_a_clock_question_of_another_kind_is_refused(admin_client, setup):
    response = admin_client.post(
        "/cases/types/new/", _new(kind="complaint", amount="3", procedure="spso-mchp")
    )
    assert response.status_code == 400
    assert 'href="#id_amount">Only a service request has a service standard' in (
        response.content.decode()
    )
    response = admin_client.post("/cases/types/new/", _new(kind="foi", procedure="spso-mchp"))
    assert response.status_code == 400
    assert 'href="#id_procedure">Only a complaint follows' in response.content.decode()
    assert not CaseType.objects.filter(council=setup.council, type_id="pest-control-request")


def test_compliments_and_comments_start_with_the_noted_workflow(admin, setup):
    case_type = _add(admin, setup, type_id="thanks", name="Thanks", kind="compliment")
    assert case_type.statuses == NOTED_STATUSES
    assert case_type.clock_policy == "" and case_type.clock_params is None
    statuses, initial, _transitions = default_workflow("foi")
    assert statuses == STANDARD_STATUSES and initial == "new"
    statuses[0]["label"] = "Changed"  # a copy: the built-in constants are untouched
    assert STANDARD_STATUSES[0]["label"] == "New"


def test_copying_a_type_copies_its_statuses_moves_and_clock(admin_client, admin, setup):
    source = setup.types["service-request"]
    statuses = [*source.statuses, {"code": "with-contractor", "label": "With contractor"}]
    transitions = {**source.transitions, "in-progress": ["with-contractor", "responded"]}
    transitions["with-contractor"] = ["responded"]
    source = do_configure_case_type(
        actor=admin,
        council=setup.council,
        type_id=source.type_id,
        name=source.name,
        kind=source.kind,
        statuses=statuses,
        initial_status="new",
        transitions=transitions,
        clock_params={
            "name": "2-working-days",
            "respond": {"amount": 2, "unit": "working-days"},
        },
    )
    response = admin_client.post(
        "/cases/types/new/",
        _new(name="Graffiti removal", template="service-request", amount="9"),
    )
    assert response.status_code == 302
    copy = CaseType.objects.get(council=setup.council, type_id="graffiti-removal")
    assert copy.statuses == source.statuses
    assert copy.transitions == source.transitions
    assert copy.initial_status == source.initial_status
    # The copied clock takes the place of the standard typed in.
    assert copy.clock_params == source.clock_params
    [entry] = _logged("case_type.create", copy.pk)
    assert entry.changes["copied_from"] == {"old": None, "new": "service-request"}
    # Changing the copy leaves the original alone.
    copy.statuses[0]["label"] = "Logged"
    copy.save()
    source.refresh_from_db()
    assert source.statuses[0]["label"] == "New"


def test_copying_another_kind_takes_its_statuses_but_not_its_clock(admin_client, admin, setup):
    complaint = setup.types["complaint"]
    complaint.clock_policy = "spso-mchp"
    complaint.save()
    response = admin_client.post(
        "/cases/types/new/",
        _new(name="Councillor enquiry", kind="member-enquiry", template="complaint"),
    )
    assert response.status_code == 302
    copy = CaseType.objects.get(council=setup.council, type_id="councillor-enquiry")
    assert copy.statuses == complaint.statuses
    assert copy.clock_policy == "" and copy.clock_params is None
    # The action itself refuses to share a clock across kinds.
    with pytest.raises(ValidationError) as error:
        _add(admin, setup, kind="member-enquiry", template=complaint, copy_clock=True)
    assert "copy_clock" in error.value.message_dict


def test_a_copied_clock_can_be_left_behind(admin_client, setup):
    complaint = setup.types["complaint"]
    complaint.clock_policy = "spso-mchp"
    complaint.save()
    response = admin_client.post(
        "/cases/types/new/",
        _new(name="Stage 1 only", kind="complaint", template="complaint", copy_clock=None),
    )
    assert response.status_code == 302
    copy = CaseType.objects.get(council=setup.council, type_id="stage-1-only")
    assert copy.statuses == complaint.statuses and copy.clock_policy == ""


def test_a_type_of_another_council_cannot_be_copied(admin, setup):
    other = CouncilFactory(slug="elsewhere", name="Elsewhere Council")
    foreign = CaseType.objects.create(
        council=other,
        type_id="theirs",
        name="Theirs",
        kind="comment",
        statuses=NOTED_STATUSES,
        initial_status="new",
        transitions={},
    )
    with pytest.raises(ValidationError) as error:
        _add(admin, setup, template=foreign)
    assert "template" in error.value.message_dict


def test_a_clock_the_council_cannot_give_is_refused(admin, setup):
    with pytest.raises(ValidationError) as error:
        _add(admin, setup, kind="foi", clock_policy="5-working-days")
    assert "clock_policy" in error.value.message_dict


# Retiring and reinstating ------------------------------------------------------------------------


def test_a_retired_type_is_not_offered_for_new_cases_but_its_cases_keep_it(
    admin_client, admin, setup, client
):
    pests = _add(admin, setup)
    case = _open(setup, pests)
    response = admin_client.post("/cases/types/pest-control/retire/")
    assert response.status_code == 302 and response["Location"] == "/cases/types/"
    pests.refresh_from_db()
    assert pests.active is False
    listed = admin_client.get("/cases/types/").content.decode()
    assert "Pest control request retired" in listed
    assert '<strong class="govuk-tag govuk-tag--grey">Retired</strong>' in listed

    # Not a choice on the new case page, nor for updates to residents.
    assert (
        pests
        not in OpenCaseForm(council=setup.council, from_contact=False).fields["case_type"].queryset
    )  # type: ignore[attr-defined]
    assert pests not in StatusUpdateForm(council=setup.council).fields["case_type"].queryset  # type: ignore[attr-defined]
    officer = Client()
    officer.force_login(setup.officer)
    assert "Pest control request" not in officer.get("/cases/new/").content.decode()
    refused = officer.post(
        "/cases/new/",
        {
            "case_type": pests.pk,
            "service": setup.housing_service.pk,
            "summary": "Mice in the kitchen",
            "priority": "normal",
            "sensitivity": "normal",
        },
    )
    assert refused.status_code == 400
    with pytest.raises(ValidationError):
        _open(setup, pests)
    _token, raw = do_issue_api_token(actor=None, user=setup.officer, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    by_api = api.post(
        f"/api/councils/{setup.council.slug}/cases",
        {"type": "pest-control", "service": "housing", "summary": "Mice in the kitchen"},
        content_type="application/json",
    )
    assert by_api.status_code == 400
    assert Case.objects.filter(case_type=pests).count() == 1

    # The case opened before keeps its type and is worked as before.
    do_change_status(actor=setup.officer, case=case, status="in-progress")
    case.refresh_from_db()
    assert case.case_type == pests and case.status == "in-progress"


def test_a_reinstated_type_is_offered_again(admin_client, admin, setup):
    pests = _add(admin, setup)
    do_retire_case_type(actor=admin, case_type=pests)
    page = admin_client.get("/cases/types/pest-control/").content.decode()
    assert "Reinstate case type" in page and "Retire case type" not in page
    response = admin_client.post("/cases/types/pest-control/reinstate/")
    assert response.status_code == 302
    pests.refresh_from_db()
    assert pests.active is True
    assert (
        pests
        in OpenCaseForm(council=setup.council, from_contact=False).fields["case_type"].queryset
    )  # type: ignore[attr-defined]
    assert _open(setup, pests).case_type == pests
    listed = admin_client.get("/cases/types/").content.decode()
    assert "Pest control request reinstated" in listed


def test_retiring_and_reinstating_are_audited_once_each(admin, setup):
    complaint = setup.types["complaint"]
    do_retire_case_type(actor=admin, case_type=complaint)
    do_retire_case_type(actor=admin, case_type=complaint)  # already retired: nothing to log
    do_reinstate_case_type(actor=admin, case_type=complaint)
    [retired] = _logged("case_type.retire", complaint.pk)
    [reinstated] = _logged("case_type.reinstate", complaint.pk)
    assert retired.actor == admin and retired.changes == {"active": {"old": True, "new": False}}
    assert reinstated.changes == {"active": {"old": False, "new": True}}


def test_a_built_in_type_can_be_retired(admin_client, setup):
    assert admin_client.post("/cases/types/foi/retire/").status_code == 302
    foi = CaseType.objects.get(pk=setup.types["foi"].pk)
    assert foi.active is False and foi.built_in


def test_retire_and_reinstate_take_only_a_post(admin_client):
    assert admin_client.get("/cases/types/complaint/retire/").status_code == 405
    assert admin_client.get("/cases/types/complaint/reinstate/").status_code == 405


# Deleting ----------------------------------------------------------------------------------------


def test_an_unused_type_is_deleted_after_confirming(admin_client, admin, setup):
    pests = _add(admin, setup)
    do_set_status_update(
        actor=admin,
        case_type=pests,
        status="responded",
        language="en",
        status_text="answered",
        next_steps="",
        active=True,
    )
    edit = admin_client.get("/cases/types/pest-control/").content.decode()
    assert 'href="/cases/types/pest-control/delete/"' in edit
    confirm = admin_client.get("/cases/types/pest-control/delete/")
    assert confirm.status_code == 200
    assert "Are you sure you want to delete Pest control request?" in confirm.content.decode()
    assert CaseType.objects.filter(pk=pests.pk).exists()  # asking deletes nothing

    response = admin_client.post("/cases/types/pest-control/delete/")
    assert response.status_code == 302 and response["Location"] == "/cases/types/"
    assert not CaseType.objects.filter(pk=pests.pk).exists()
    assert not StatusUpdateRule.objects.filter(case_type_id=pests.pk).exists()
    assert "Pest control request deleted" in admin_client.get("/cases/types/").content.decode()
    [entry] = _logged("case_type.delete", pests.pk)
    assert entry.actor == admin
    assert entry.changes["type_id"] == {"old": "pest-control", "new": None}
    assert entry.changes["update_rules"] == {"old": 1, "new": 0}


def test_a_type_a_case_used_is_not_deleted_and_the_page_says_why(admin_client, admin, setup):
    pests = _add(admin, setup)
    case = _open(setup, pests)
    do_change_status(actor=setup.officer, case=case, status="withdrawn")  # closed still counts
    edit = admin_client.get("/cases/types/pest-control/").content.decode()
    assert "can be retired but not deleted" in edit
    page = admin_client.get("/cases/types/pest-control/delete/")
    html = page.content.decode()
    assert "Pest control request cannot be deleted" in html
    assert "1 case is of this type, and keeps it." in html
    assert "Retire case type" in html
    assert admin_client.post("/cases/types/pest-control/delete/").status_code == 400
    assert CaseType.objects.filter(pk=pests.pk).exists()
    with pytest.raises(ValidationError):
        do_delete_case_type(actor=admin, case_type=pests)
    assert _logged("case_type.delete", pests.pk) == []


def test_a_type_a_case_was_opened_with_is_kept_even_if_the_case_is_gone(admin, setup):
    pests = _add(admin, setup)
    case = _open(setup, pests)
    # No page deletes a case; this stands for one removed by other means (an erasure).
    Case.objects.filter(pk=case.pk).delete()
    assert deletion_blockers(pests) == ["Cases have been opened with this type."]


def test_a_built_in_type_is_never_deleted(admin_client, admin, setup):
    comment = setup.types["comment"]
    assert "never deleted" in admin_client.get("/cases/types/comment/").content.decode()
    html = admin_client.get("/cases/types/comment/delete/").content.decode()
    assert "Comment is one of the built-in types, which are never deleted." in html
    assert admin_client.post("/cases/types/comment/delete/").status_code == 400
    with pytest.raises(ValidationError):
        do_delete_case_type(actor=admin, case_type=comment)
    assert CaseType.objects.filter(pk=comment.pk).exists()


# Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/cases/types/new/"),
        ("post", "/cases/types/new/"),
        ("post", "/cases/types/complaint/retire/"),
        ("post", "/cases/types/complaint/reinstate/"),
        ("get", "/cases/types/complaint/delete/"),
        ("post", "/cases/types/complaint/delete/"),
    ],
)
def test_a_service_officer_may_not_add_retire_or_delete_types(setup, client, method, url):
    client.force_login(setup.officer)
    data = _new() if url.endswith("new/") else {}
    assert getattr(client, method)(url, data).status_code == 403
    complaint = CaseType.objects.get(pk=setup.types["complaint"].pk)
    assert complaint.active
    assert not CaseType.objects.filter(council=setup.council, type_id="pest-control-request")


def test_the_actions_check_the_permission_too(setup):
    officer = setup.officer
    with pytest.raises(PermissionDenied):
        _add(officer, setup)
    with pytest.raises(PermissionDenied):
        do_retire_case_type(actor=officer, case_type=setup.types["complaint"])
    with pytest.raises(PermissionDenied):
        do_reinstate_case_type(actor=officer, case_type=setup.types["complaint"])
    with pytest.raises(PermissionDenied):
        do_delete_case_type(actor=officer, case_type=setup.types["complaint"])


def test_an_administrator_of_another_council_may_not_change_these_types(setup):
    other = CouncilFactory(slug="elsewhere", name="Elsewhere Council")
    stranger = UserFactory(council=other, roles=["administrator"])
    with pytest.raises(PermissionDenied):
        do_retire_case_type(actor=stranger, case_type=setup.types["complaint"])
