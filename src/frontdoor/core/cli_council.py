"""Which council a command acts for: `--council SLUG`, or the only one, or a new one."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from .models import Council
from .settings_env import default_council_name, default_council_slug


def resolve_council(slug: str | None) -> Council:
    """The council named by `slug`; without one, the install's only council (created if none).

    Several councils and no slug is an error that lists them, so a command never guesses.
    """
    if slug:
        council = Council.objects.filter(slug=slug).first()
        if council is None:
            known = ", ".join(Council.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"There is no council {slug!r}. Known councils: {known or 'none'}.")
        return council
    councils = list(Council.objects.order_by("slug")[:2])
    if len(councils) == 1:
        return councils[0]
    if councils:
        known = ", ".join(Council.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"This install has several councils ({known}): give --council SLUG.")
    with transaction.atomic():
        council, _created = Council.objects.get_or_create(
            slug=default_council_slug(),
            defaults={
                "name": default_council_name(),
                "time_zone": settings.FRONTDOOR_TIME_ZONE,
            },
        )
    return council
