"""The case type pages: administrators list the council's types and change a type's name,
statuses, allowed moves and clock through `do_configure_case_type`."""

from __future__ import annotations

import pytest

from frontdoor.cases.actions import workflow_problems
from frontdoor.cases.engine.policies import policy_from_data


@pytest.fixture
def admin_client(setup, make_user, client):
    client.force_login(make_user("administrator", username="admin"))
    return client


def _form(page_form: dict[str, str], **changes: str | None) -> dict[str, str]:
    data = dict(page_form)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _current(case_type) -> dict[str, str]:
    """The POST the page sends unchanged for `case_type`."""
    codes = [s["code"] for s in case_type.statuses]
    data = {"name": case_type.name, "initial_status": case_type.initial_status}
    if case_type.active:
        data["active"] = "on"
    if case_type.kind == "service-request":
        data["clock"] = "none"
    for i, status in enumerate(case_type.statuses):
        data[f"label_{i}"] = status["label"]
        if status.get("closed"):
            data[f"closed_{i}"] = "on"
        for target in case_type.allowed_from(status["code"]):
            data[f"move_{i}_{codes.index(target)}"] = "on"
    return data


def test_only_administrators_see_the_case_type_pages(setup, client):
    client.force_login(setup.officer)
    assert client.get("/cases/types/").status_code == 403
    assert client.get("/cases/types/complaint/").status_code == 403
    assert "/cases/types/" not in client.get("/cases/").content.decode()


def test_the_list_links_each_type_and_the_cases_area_links_the_list(admin_client, setup):
    page = admin_client.get("/cases/types/").content.decode()
    assert "/cases/types/service-request/" in page
    assert "Subject access request" in page
    assert "/cases/types/" in admin_client.get("/cases/updates/").content.decode()
    assert admin_client.get("/cases/types/nonsense/").status_code == 404


def test_the_transitions_table_labels_each_checkbox(admin_client):
    page = admin_client.get("/cases/types/service-request/").content.decode()
    assert "from New to In progress" in page
    assert 'name="move_0_1" type="checkbox" checked' in page  # new -> in-progress
    assert 'name="move_0_4" type="checkbox">' in page  # new -> closed is not allowed


def test_an_administrator_renames_adds_a_status_and_changes_moves(admin_client, setup):
    case_type = setup.types["service-request"]
    data = _form(
        _current(case_type),
        name="Repairs request",
        label_1="Being worked",
        move_0_4="on",  # new -> closed
        move_0_5=None,  # not new -> withdrawn
        new_label="Passed to contractor",
    )
    response = admin_client.post("/cases/types/service-request/", data)
    assert response.status_code == 302
    case_type.refresh_from_db()
    assert case_type.name == "Repairs request"
    assert case_type.status_label("in-progress") == "Being worked"
    assert case_type.allowed_from("new") == ["in-progress", "closed"]
    assert case_type.statuses[-1] == {
        "code": "passed-to-contractor",
        "label": "Passed to contractor",
        "closed": False,
    }


def test_an_invalid_workflow_is_shown_in_the_error_summary(admin_client, setup):
    case_type = setup.types["service-request"]
    data = _form(_current(case_type), move_0_1=None, move_0_5=None)  # no way out of New
    response = admin_client.post("/cases/types/service-request/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "can never reach a closing status" in page
    assert 'href="#workflow"' in page
    case_type.refresh_from_db()
    assert case_type.allowed_from("new") == ["in-progress", "withdrawn"]


def test_a_closing_status_is_needed(setup):
    statuses = [{"code": "new", "label": "New", "closed": False}]
    assert workflow_problems(statuses, "new", {"new": []}) == [
        "Mark at least one status as closing the case."
    ]


@pytest.mark.parametrize(
    ("unit", "skip", "closures"),
    [("hours", "on", True), ("working-days", None, False), ("calendar-days", "on", True)],
)
def test_a_service_request_standard_is_an_amount_and_a_unit(
    admin_client, setup, unit, skip, closures
):
    case_type = setup.types["service-request"]
    data = _form(_current(case_type), clock="standard", amount="6", unit=unit, skip_closures=skip)
    assert admin_client.post("/cases/types/service-request/", data).status_code == 302
    case_type.refresh_from_db()
    policy = policy_from_data(case_type.clock_params)
    assert (policy.respond.amount, str(policy.respond.unit)) == (6, unit)
    assert policy.calendar.closures is closures
    page = admin_client.get("/cases/types/service-request/").content.decode()
    assert 'name="amount" type="number" value="6"' in page or 'value="6"' in page
    # And back to no clock.
    data = _form(_current(case_type), clock="none")
    assert admin_client.post("/cases/types/service-request/", data).status_code == 302
    case_type.refresh_from_db()
    assert case_type.clock_params is None


def test_a_standard_needs_an_amount(admin_client, setup):
    data = _form(_current(setup.types["service-request"]), clock="standard", unit="hours")
    response = admin_client.post("/cases/types/service-request/", data)
    assert response.status_code == 400
    assert 'href="#id_amount"' in response.content.decode()


def test_a_complaint_chooses_its_procedure(admin_client, setup):
    case_type = setup.types["complaint"]
    data = _form(_current(case_type), procedure="spso-mchp")
    assert admin_client.post("/cases/types/complaint/", data).status_code == 302
    case_type.refresh_from_db()
    assert case_type.clock_policy == "spso-mchp"
    data = _form(_current(case_type), procedure="no-such-thing")
    response = admin_client.post("/cases/types/complaint/", data)
    assert response.status_code == 400


def test_a_statutory_type_keeps_the_laws_clock(admin_client, setup):
    case_type = setup.types["foi"]
    page = admin_client.get("/cases/types/foi/").content.decode()
    assert "The law or the council" in page
    data = _form(_current(case_type), active=None)
    assert admin_client.post("/cases/types/foi/", data).status_code == 302
    case_type.refresh_from_db()
    assert case_type.active is False
    assert case_type.clock_policy == "" and case_type.clock_params is None
