"""frontdoor replay_queue_events FILE --speed N [--council SLUG] [--date YYYY-MM-DD]
[--url URL --token T] [--user USERNAME] [--mapping NAME|FILE] [--platform NAME]"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.contacts.importing import shipped_mapping
from frontdoor.contacts.reading import MappingError, ReadError, load_mapping, read_records
from frontdoor.omnichannel.replay import batches, day_of_calls

Send = Callable[[list[dict[str, Any]]], tuple[int, dict[str, Any]]]


class Command(BaseCommand):
    help = (
        "Replay a day of real calls from a telephony export (by default the Anonymous Bank "
        "file, read through its shipped mapping) as queue events, through the queue-events API: "
        "in this process, or over HTTP with --url and --token. --speed N plays N times faster "
        "than real time (0: as fast as possible). Each call becomes queued, answered, abandoned "
        "and ended events at their times; the wallboard follows, tiers rise and clear, and "
        "finished calls become contact records. Re-running a replay changes nothing. Exits 1 "
        "when any event was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--speed", type=float, required=True, help="times real speed; 0 = at once"
        )
        parser.add_argument("--council", help="the council's slug (optional with one council)")
        parser.add_argument("--date", help="the day of the file to replay (default: its first)")
        parser.add_argument("--url", help="the site's address, to replay over HTTP")
        parser.add_argument("--token", help="an API token (with --url; or in-process)")
        parser.add_argument(
            "--user", help="in-process: act as this user (default: the first who may import)"
        )
        parser.add_argument(
            "--mapping", default="anonymous-bank", help="a shipped mapping's name, or a file"
        )
        parser.add_argument("--platform", help="the platform name (default: the mapping's source)")
        parser.add_argument("--batch-size", type=int, default=500, help="events per request")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 (as fast as possible) or more")
        if not 1 <= options["batch_size"] <= 5000:
            raise CommandError("--batch-size must be from 1 to 5000")
        if options["url"] and not (options["token"] and options["council"]):
            raise CommandError("--url needs --token and --council")
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be YYYY-MM-DD") from error
        mapping_name = options["mapping"]
        mapping_path = shipped_mapping(mapping_name) or Path(mapping_name)
        try:
            mapping = load_mapping(mapping_path)
        except (OSError, MappingError) as error:
            raise CommandError(f"mapping {mapping_name}: {error}") from error

        council = None
        if options["url"]:
            slug = options["council"]
            zone_name = mapping.time_zone
            send = _http_sender(options["url"], slug, options["token"])
        else:
            from frontdoor.core.cli_council import resolve_council

            council = resolve_council(options["council"])
            slug = council.slug
            zone_name = mapping.time_zone or council.time_zone
            send = self._in_process_sender(council, options["user"], options["token"])
        platform = options["platform"] or mapping.source or "telephony"
        zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
        shown_in = council.zone if council is not None else zone
        try:
            plan = day_of_calls(read_records(path, mapping), zone, platform, day)
        except ReadError as error:
            raise CommandError(f"{path}: {error}") from error
        if not plan.events:
            raise CommandError(f"{path}: no calls to replay on {day or 'any day'}")

        self.stdout.write(
            f"{slug}: replaying {plan.day} ({plan.calls} calls, {len(plan.events)} events) at "
            + ("full speed" if options["speed"] == 0 else f"{options['speed']:g}x")
        )
        totals = dict.fromkeys(
            ("accepted", "duplicates", "rejected", "contacts_created", "contacts_updated"), 0
        )
        # Episodes by (queue, tier, start): one that spans batches is reported by each of them.
        episodes: dict[tuple[str, int, str], dict[str, Any]] = {}
        requests = 0
        started = time.monotonic()
        for batch in batches(
            plan.events, options["speed"], options["batch_size"], time.monotonic, time.sleep
        ):
            status, body = send([e.event for e in batch])
            requests += 1
            if status not in (200, 422):
                raise CommandError(f"the API answered {status}: {body.get('error', body)}")
            for key in totals:
                totals[key] += int(body.get(key, 0))
            for result in body.get("results", []):
                if result["status"] == "rejected":
                    self.stderr.write(
                        f"rejected {result['event_id']}: {'; '.join(result['errors'])}"
                    )
            for episode in body.get("tier_episodes", []):
                episodes[(episode["queue"], episode["tier"], episode["started_at"])] = episode
        for identity in sorted(episodes, key=lambda k: (k[2], k[1])):
            self.stdout.write(_episode_line(episodes[identity], shown_in))
        ended = sum(1 for e in episodes.values() if e["ended_at"])
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(plan.skipped.items()))
        not_calls = ", ".join(f"{n} {why}" for why, n in sorted(plan.not_calls.items()))
        self.stdout.write(
            f"{slug}: {len(plan.events)} events in {requests} requests: {totals['accepted']} "
            f"accepted, {totals['duplicates']} duplicates, {totals['rejected']} rejected; "
            f"contacts {totals['contacts_created']} created, {totals['contacts_updated']} "
            f"updated; tier episodes: {len(episodes)} started, {ended} ended; "
            f"calls of the day not replayed: {skipped or 'none'}; rows of the file that are not "
            f"calls: {not_calls or 'none'}; {time.monotonic() - started:.1f} s."
        )
        if totals["rejected"]:
            raise SystemExit(1)

    def _in_process_sender(self, council: Any, username: str | None, token: str | None) -> Send:
        """The API through Django's test client: the same views, middleware and checks."""
        from django.conf import settings
        from django.test import Client

        host = next(
            (h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))),
            "localhost",
        )
        client = Client(HTTP_HOST=host)
        if token:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        else:
            user = _acting_user(council, username)
            self.stdout.write(f"acting as {user.username}")
            client.force_login(user)
        url = f"/api/councils/{council.slug}/queue-events"
        secure = not settings.DEBUG

        def send(events: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
            response = client.post(
                url, data=json.dumps(events), content_type="application/json", secure=secure
            )
            return response.status_code, response.json()

        return send


def _acting_user(council: Any, username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from frontdoor.identity.policies import may

    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"there is no active user {username!r}")
        if not may(user, "import_contacts", council):
            raise CommandError(f"{username} may not import contacts for {council.slug}")
        return user
    for user in users.order_by("username"):
        if may(user, "import_contacts", council):
            return user
    raise CommandError(
        f"nobody may import contacts for {council.slug}: give --user or --token of someone who may"
    )


def _http_sender(base_url: str, slug: str, token: str) -> Send:
    url = f"{base_url.rstrip('/')}/api/councils/{slug}/queue-events"
    if not url.startswith(("http://", "https://")):
        raise CommandError("--url must start with http:// or https://")

    def send(events: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url,
            data=json.dumps(events).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read())
            except ValueError:
                return error.code, {"error": error.reason}
        except urllib.error.URLError as error:
            raise CommandError(f"cannot reach {base_url}: {error.reason}") from error

    return send


def _episode_line(episode: dict[str, Any], zone: zoneinfo.ZoneInfo | None) -> str:
    def clock(text: str | None) -> str:
        if not text:
            return "..."
        at = dt.datetime.fromisoformat(text)
        return (at.astimezone(zone) if zone and at.tzinfo else at).strftime("%H:%M:%S")

    return (
        f"  {episode['queue']} tier {episode['tier']}: {clock(episode['started_at'])} to "
        f"{clock(episode['ended_at'])}"
    )
