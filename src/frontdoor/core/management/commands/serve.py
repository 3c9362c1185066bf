"""frontdoor serve [--host H] [--port P] [--workers N]: pages, API and websockets over ASGI."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Frontdoor with uvicorn (ASGI: pages, the JSON API and websockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="processes (production)")
        parser.add_argument("--reload", action="store_true", help="restart on code changes")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        self.stdout.write(f"Frontdoor at http://{options['host']}:{options['port']}/")
        uvicorn.run(
            "frontdoor.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=None if options["reload"] else options["workers"],
            reload=options["reload"],
            proxy_headers=getattr(settings, "USE_X_FORWARDED_HOST", False),
            log_config=None,  # Django's LOGGING already sends structured lines to stdout
            lifespan="off",
        )
