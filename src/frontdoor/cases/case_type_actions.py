"""Adding, retiring, reinstating and deleting a council's case types.

Each action runs in one transaction, checks `configure_cases` through `policies`, and writes one
change-log row, like `actions.do_configure_case_type` (which changes an existing type's
workflow and clock). A case type is never deleted once a case has used it: its cases keep it
(the foreign key protects it) and so do the KPIs, which name cases' types. Retiring is the way
to stop offering such a type; a built-in type may be retired but never deleted.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdoor.audit.recorder import record_change
from frontdoor.audit.selectors import changes_for
from frontdoor.core.models import Council

from . import policies
from .actions import (
    NOTED_STATUSES,
    NOTED_TRANSITIONS,
    STANDARD_STATUSES,
    STANDARD_TRANSITIONS,
    check_clock,
    workflow_problems,
    workflow_text,
)
from .models import Case, CaseKind, CaseType

TYPE_ID_MAX_LENGTH = 63
# Lowercase words joined by single hyphens: safe in web addresses, import mappings and the API.
TYPE_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Path segments of the case type pages that a type's id would shadow.
RESERVED_TYPE_IDS = frozenset({"new"})


def type_id_from_name(name: str) -> str:
    """The id a type gets from its name when none is given: `Pest control` -> `pest-control`."""
    # slugify keeps underscores, which an id may not have.
    return re.sub(r"[-_]+", "-", slugify(name))[:TYPE_ID_MAX_LENGTH].strip("-")


def type_id_problem(council: Council, type_id: str) -> str | None:
    """Why `type_id` cannot be a new type's id in the council, or None when it can."""
    if not type_id:
        return _("Enter an ID for the case type")
    if len(type_id) > TYPE_ID_MAX_LENGTH:
        return _("The ID must be %(count)s characters or fewer") % {"count": TYPE_ID_MAX_LENGTH}
    if not TYPE_ID_PATTERN.match(type_id):
        return _(
            "The ID must only include lowercase letters, numbers and hyphens, like pest-control"
        )
    if type_id in RESERVED_TYPE_IDS:
        return _("%(type_id)s cannot be used as an ID: choose another") % {"type_id": type_id}
    if CaseType.objects.filter(council=council, type_id=type_id).exists():
        return _("There is already a case type with the ID %(type_id)s") % {"type_id": type_id}
    return None


def default_workflow(kind: str) -> tuple[list[dict[str, Any]], str, dict[str, list[str]]]:
    """The usual statuses, first status and moves for a new type of `kind`, as the built-in
    types have them: compliments and comments are noted and passed on; everything else is
    worked, may wait for the requester, is answered and closed."""
    noted = kind in (CaseKind.COMPLIMENT, CaseKind.COMMENT)
    statuses = NOTED_STATUSES if noted else STANDARD_STATUSES
    transitions = NOTED_TRANSITIONS if noted else STANDARD_TRANSITIONS
    # Copies: the constants are shared with the seeding of every council's built-in types.
    return copy.deepcopy(statuses), "new", copy.deepcopy(transitions)


@transaction.atomic
def do_create_case_type(
    *,
    actor: Any,
    council: Council,
    type_id: str,
    name: str,
    kind: str,
    template: CaseType | None = None,
    copy_clock: bool = False,
    clock_policy: str = "",
    clock_params: dict[str, Any] | None = None,
) -> CaseType:
    """Add a case type to the council, offered for new cases straight away.

    Its workflow is a copy of `template`'s statuses and moves, or the usual one for `kind`
    (`default_workflow`). With `copy_clock` it takes `template`'s clock too (the template must
    then be of the same kind); otherwise `clock_policy`/`clock_params`, checked as
    `do_configure_case_type` checks them.
    """
    policies.require_configure(actor, council)
    name = name.strip()
    type_id = type_id.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name for the case type")
    if problem := type_id_problem(council, type_id):
        errors["type_id"] = problem
    if kind not in CaseKind.values:
        errors["kind"] = _("Choose the kind of case")
    if template is not None and template.council_id != council.pk:
        errors["template"] = _("Choose one of the council's case types to copy")
    elif template is None and copy_clock:
        errors["template"] = _("Choose the case type to copy")
    elif template is not None and copy_clock and template.kind != kind:
        errors["copy_clock"] = _(
            "Only a type of the same kind can share its clock: the new type is a %(kind)s, "
            "%(template)s is a %(template_kind)s"
        ) % {
            "kind": CaseKind(kind).label if kind in CaseKind.values else kind,
            "template": template.name,
            "template_kind": template.get_kind_display(),
        }
    if errors:
        raise ValidationError(errors)
    if template is not None:
        statuses = copy.deepcopy(template.statuses)
        initial_status = template.initial_status
        transitions = copy.deepcopy(template.transitions)
        if copy_clock:
            clock_policy = template.clock_policy
            clock_params = copy.deepcopy(template.clock_params)
    else:
        statuses, initial_status, transitions = default_workflow(kind)
    problems = workflow_problems(statuses, initial_status, transitions)
    if problems:
        raise ValidationError({"template": problems})
    # The same check as changing a type's clock (one place decides what a kind's clock may be).
    check_clock(council, kind, clock_policy, clock_params)
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "statuses": statuses,
        "initial_status": initial_status,
        "transitions": transitions,
        "clock_policy": clock_policy,
        "clock_params": clock_params or None,
        "active": True,
    }
    try:
        # A savepoint: two administrators adding the same id at once get the form's error,
        # not a broken transaction.
        with transaction.atomic():
            case_type = CaseType.objects.create(council=council, type_id=type_id, **values)
    except IntegrityError as error:
        raise ValidationError(
            {
                "type_id": _("There is already a case type with the ID %(type_id)s")
                % {"type_id": type_id}
            }
        ) from error
    changes = {"type_id": (None, type_id), **{key: (None, value) for key, value in values.items()}}
    if template is not None:
        changes["copied_from"] = (None, template.type_id)
    record_change(
        actor=actor,
        action="case_type.create",
        instance=case_type,
        changes={
            key: (workflow_text(old), workflow_text(new)) for key, (old, new) in changes.items()
        },
    )
    return case_type


def _locked(case_type: CaseType) -> CaseType:
    return CaseType.objects.select_for_update().get(pk=case_type.pk)


def _set_active(actor: Any, case_type: CaseType, active: bool, action: str) -> CaseType:
    policies.require_configure(actor, case_type.council)
    locked = _locked(case_type)
    if locked.active == active:
        # Already so (a second click, another administrator): nothing changes, nothing logged.
        return locked
    locked.active = active
    locked.save(update_fields=["active"])
    record_change(
        actor=actor, action=action, instance=locked, changes={"active": (not active, active)}
    )
    return locked


@transaction.atomic
def do_retire_case_type(*, actor: Any, case_type: CaseType) -> CaseType:
    """Stop offering a case type for new cases. Nothing is deleted: its cases, open or closed,
    keep their type and are worked as before, and it stays on the list of types."""
    return _set_active(actor, case_type, False, "case_type.retire")


@transaction.atomic
def do_reinstate_case_type(*, actor: Any, case_type: CaseType) -> CaseType:
    """Offer a retired case type for new cases again."""
    return _set_active(actor, case_type, True, "case_type.reinstate")


def cases_of_type(case_type: CaseType) -> int:
    """How many cases (open or closed, of any sensitivity) are of the type."""
    return Case.objects.filter(case_type=case_type).count()


def deletion_blockers(case_type: CaseType) -> list[str]:
    """Why the type cannot be deleted (empty when it can), for the action and its page.

    A type some case ever used is kept: its cases refer to it, and so do the KPIs. A case
    opened with it counts even if the case is gone, which the change log still records.
    """
    reasons: list[str] = []
    if case_type.built_in:
        reasons.append(
            _("%(name)s is one of the built-in types, which are never deleted.")
            % {"name": case_type.name}
        )
    count = cases_of_type(case_type)
    if count:
        reasons.append(
            ngettext(
                "%(count)s case is of this type, and keeps it.",
                "%(count)s cases are of this type, and keep it.",
                count,
            )
            % {"count": count}
        )
    elif (
        changes_for(case_type.council)
        .filter(action="case.open", changes__case_type__new=case_type.pk)
        .exists()
    ):
        reasons.append(_("Cases have been opened with this type."))
    return reasons


@transaction.atomic
def do_delete_case_type(*, actor: Any, case_type: CaseType) -> None:
    """Delete a case type no case ever used (and its status updates to residents).

    Refused for a built-in type or one a case used: retire those instead.
    """
    policies.require_configure(actor, case_type.council)
    locked = _locked(case_type)
    reasons = deletion_blockers(locked)
    if reasons:
        raise ValidationError(reasons)
    rules = locked.update_rules.count()
    changes: dict[str, tuple[Any, Any]] = {
        "type_id": (locked.type_id, None),
        "name": (locked.name, None),
        "kind": (locked.kind, None),
        "active": (locked.active, None),
    }
    if rules:
        changes["update_rules"] = (rules, 0)
    # Logged before the row goes, while it still has its primary key.
    record_change(actor=actor, action="case_type.delete", instance=locked, changes=changes)
    locked.delete()
