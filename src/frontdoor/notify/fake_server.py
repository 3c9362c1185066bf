"""A local stand-in for the GOV.UK Notify API, for tests and the demo (never for production).

It speaks the parts of Notify's v2 API that Frontdoor uses, the way Notify does, so the real
`notifications-python-client` can be pointed at it (base_url) unchanged:

* every request must carry a JWT signed (HS256) with the service's secret, issued by the service id,
  issued within 30 seconds (Notify's rule): otherwise 403 "AuthError";
* POST /v2/notifications/email and /v2/notifications/sms check the template exists and is of that
  type, that every placeholder of the template is personalised, and the address or number's shape,
  answering 400 "BadRequestError"/"ValidationError" with Notify's error body; a good request gets
  201 with Notify's response body (id, reference, content, template, uri);
* GET /v2/notifications/{id} gives the notification with its status. Notify's simulated
  recipients behave as documented: temp-fail@simulator.notify and 07700900003 end
  "temporary-failure", perm-fail@simulator.notify and 07700900002 "permanent-failure"; other
  recipients are "delivered".

`fail_next(n)` makes the next n sends answer 500 (Notify having a bad moment), for retry tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

TOKEN_LIFETIME_SECONDS = 30
PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")
SIMULATED_STATUS = {
    "temp-fail@simulator.notify": "temporary-failure",
    "perm-fail@simulator.notify": "permanent-failure",
    "07700900003": "temporary-failure",
    "07700900002": "permanent-failure",
}


@dataclass(frozen=True)
class FakeTemplate:
    """A Notify template: its id, type (email or sms), subject and body with ((placeholders))."""

    id: str
    type: str
    body: str
    subject: str = ""
    version: int = 1

    @property
    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.body + self.subject))


@dataclass
class FakeNotify:
    """The fake service's state: its credentials, templates and what it was asked to send."""

    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    templates: dict[str, FakeTemplate] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    failures_to_come: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_key(self) -> str:
        """A key in Notify's format: name, service id and secret joined by hyphens."""
        return f"frontdoor_fake-{self.service_id}-{self.secret}"

    def add_template(self, template: FakeTemplate) -> FakeTemplate:
        self.templates[template.id] = template
        return template

    def fail_next(self, count: int) -> None:
        with self.lock:
            self.failures_to_come = count

    # The API ---------------------------------------------------------------------------------

    def check_token(self, header: str | None) -> str | None:
        """None when the bearer token is good, else Notify's message for why not."""
        if not header or not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header.removeprefix("Bearer ")
        try:
            claims = jwt.decode(
                token,
                key=self.secret,
                algorithms=["HS256"],
                options={"verify_iat": False, "require": ["iss", "iat"]},
            )
        except jwt.InvalidTokenError:
            return "Invalid token: API key not found"
        if claims.get("iss") != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - float(claims["iat"])) > TOKEN_LIFETIME_SECONDS:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def send(self, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if self.failures_to_come > 0:
                self.failures_to_come -= 1
                return 500, _errors(500, "Exception", "Internal server error")
        recipient_field = "email_address" if kind == "email" else "phone_number"
        recipient = str(body.get(recipient_field) or "")
        template = self.templates.get(str(body.get("template_id") or ""))
        if template is None:
            return 400, _errors(400, "BadRequestError", "Template not found")
        if template.type != kind:
            return 400, _errors(
                400, "BadRequestError", f"{kind} template is not suitable for {template.type}"
            )
        if not recipient:
            return 400, _errors(400, "ValidationError", f"{recipient_field} is a required property")
        valid = EMAIL if kind == "email" else UK_MOBILE
        if recipient not in SIMULATED_STATUS and not valid.match(recipient.replace(" ", "")):
            what = (
                "email_address Not a valid email address"
                if kind == "email"
                else ("phone_number Not a UK mobile number")
            )
            return 400, _errors(400, "ValidationError", what)
        personalisation = body.get("personalisation") or {}
        missing = sorted(template.placeholders - set(personalisation))
        if missing:
            return 400, _errors(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), text)

        notification_id = str(uuid.uuid4())
        content: dict[str, Any] = {"body": fill(template.body)}
        if kind == "email":
            content |= {"subject": fill(template.subject), "from_email": "council@notify.test"}
        else:
            content |= {"from_number": "FRONTDOOR"}
        record = {
            "id": notification_id,
            "type": kind,
            "recipient": recipient,
            "reference": body.get("reference"),
            "template": template,
            "personalisation": personalisation,
            "content": content,
            "status": SIMULATED_STATUS.get(recipient, "delivered"),
            "created_at": time.time(),
        }
        with self.lock:
            self.sent.append(record)
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"/v2/notifications/{notification_id}",
            "template": {
                "id": template.id,
                "version": template.version,
                "uri": f"/v2/template/{template.id}",
            },
        }

    def get(self, notification_id: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            found = next((n for n in self.sent if n["id"] == notification_id), None)
        if found is None:
            return 404, _errors(404, "NoResultFound", "No result found")
        return 200, {
            "id": found["id"],
            "reference": found["reference"],
            "type": found["type"],
            "status": found["status"],
            "body": found["content"]["body"],
            "subject": found["content"].get("subject"),
            "template": {"id": found["template"].id, "version": found["template"].version},
        }


def _errors(status: int, error: str, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _handler(service: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # quiet in tests
            return

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _authorised(self) -> bool:
            problem = service.check_token(self.headers.get("Authorization"))
            if problem:
                self._answer(403, _errors(403, "AuthError", problem))
                return False
            return True

        def do_POST(self) -> None:
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._answer(400, _errors(400, "BadRequestError", "Invalid JSON"))
                return
            match self.path:
                case "/v2/notifications/email":
                    self._answer(*service.send("email", body))
                case "/v2/notifications/sms":
                    self._answer(*service.send("sms", body))
                case _:
                    self._answer(404, _errors(404, "NotFound", "Not found"))

        def do_GET(self) -> None:
            if not self._authorised():
                return
            prefix = "/v2/notifications/"
            if self.path.startswith(prefix):
                self._answer(*service.get(self.path.removeprefix(prefix)))
            else:
                self._answer(404, _errors(404, "NotFound", "Not found"))

    return Handler


class FakeNotifyServer:
    """Runs a FakeNotify on a local port in a background thread (`with FakeNotifyServer() as s`)."""

    def __init__(self, service: FakeNotify | None = None, host: str = "127.0.0.1", port: int = 0):
        self.service = service or FakeNotify()
        self.httpd = ThreadingHTTPServer((host, port), _handler(self.service))
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNotifyServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeNotifyServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
