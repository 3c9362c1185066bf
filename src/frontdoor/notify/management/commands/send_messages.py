"""frontdoor send_messages: send due messages and retries, then follow delivery statuses."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frontdoor.notify.actions import refresh_delivery, send_due_messages


class Command(BaseCommand):
    help = "Send queued messages and due retries through GOV.UK Notify, then refresh statuses."

    def handle(self, *args: Any, **options: Any) -> None:
        tried = send_due_messages()
        finished = refresh_delivery()
        self.stdout.write(f"tried {tried} messages; {finished} reached a final status")
