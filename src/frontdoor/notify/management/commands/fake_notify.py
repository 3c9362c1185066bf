"""frontdoor fake_notify: a local stand-in for GOV.UK Notify, for the demo (never production)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.notify.fake_server import FakeNotify, FakeNotifyServer, FakeTemplate

NOTIFY_DIR = Path(__file__).resolve().parents[2]
# The demo's templates: updates to residents, and emails to staff (escalations).
DEMO_TEMPLATES = (NOTIFY_DIR / "demo_templates.json", NOTIFY_DIR / "demo_staff_templates.json")


class Command(BaseCommand):
    help = (
        "Serve a fake GOV.UK Notify on a local port with templates from a JSON file; prints the "
        "API key and base URL to put in FRONTDOOR_NOTIFY_API_KEY and FRONTDOOR_NOTIFY_BASE_URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=6011)
        parser.add_argument(
            "--templates",
            type=Path,
            action="append",
            help=(
                "JSON list of {id, type, subject, body} (may be given more than once); default: "
                "the demo's templates, for residents and for staff"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("the fake Notify server is for debug installs and tests only")
        service = FakeNotify()
        for path in options["templates"] or DEMO_TEMPLATES:
            for item in json.loads(path.read_text(encoding="utf-8")):
                service.add_template(FakeTemplate(**item))
        server = FakeNotifyServer(service, port=options["port"]).start()
        self.stdout.write(f"FRONTDOOR_NOTIFY_BASE_URL={server.base_url}")
        self.stdout.write(f"FRONTDOOR_NOTIFY_API_KEY={service.api_key}")
        try:
            server.thread.join()
        except KeyboardInterrupt:
            server.stop()
