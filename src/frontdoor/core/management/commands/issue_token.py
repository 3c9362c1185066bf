"""frontdoor issue_token USERNAME --name NAME: an API token acting as that user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.identity.actions import do_issue_api_token
from frontdoor.identity.models import User


class Command(BaseCommand):
    help = "Issue an API token that acts as USERNAME (with that user's permissions). Shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {options['username']!r}.")
        _token, raw = do_issue_api_token(actor=None, user=user, name=options["name"])
        self.stdout.write(raw)
        self.stderr.write("Keep this token secret: it is shown only once.")
