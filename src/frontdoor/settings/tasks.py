"""Background tasks: django-tasks with its database backend, so no broker is needed."""

from .env import env_bool

TASKS = {
    "default": {
        # Tests run tasks in-line so their effects can be asserted in the same transaction.
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("FRONTDOOR_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
