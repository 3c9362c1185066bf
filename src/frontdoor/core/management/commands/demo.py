"""frontdoor demo [--seed N]: load or refresh the demo councils, staff and data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Create or refresh the demo councils with their catalogue, teams, staff (one per role) "
        "and demo data, deterministically from --seed, and print the log-ins. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (never in production)",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo creates accounts with a published password: it runs only with DEBUG=true "
                "(or --force on a throw-away install)."
            )
        from frontdoor.demo.generator import generate, print_logins

        self.stdout.write("Loading the demo council...")
        context = generate(self.stdout, seed=options["seed"])
        print_logins(context, options["url"])
