"""Bank holidays per UK division, council closure days, and queues' opening hours.

Imported at the bottom of `frontdoor.core.models`, so these belong to the core app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import CouncilOwned, Division, Queue

__all__ = [
    "BankHoliday",
    "ClosureDay",
    "HolidaySource",
    "IsoWeekday",
    "OpeningException",
    "OpeningPattern",
]


class HolidaySource(models.TextChoices):
    """Where a bank holiday came from, which decides what a reload may change."""

    GOVUK = "govuk", _("GOV.UK")
    RULES = "rules", _("Calculated from rules")
    MANUAL = "manual", _("Entered by hand")


class IsoWeekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class BankHoliday(models.Model):
    """A bank holiday of one UK division (shared by every council of that division).

    `provisional` rows are calculated from rules past the end of GOV.UK's data; GOV.UK data
    replaces them when loaded. `manual` rows (a proclaimed one-off, say) are never touched by
    a reload.
    """

    division = models.CharField(max_length=20, choices=Division.choices)
    date = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=HolidaySource.choices)
    provisional = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "division"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "date"], name="one_holiday_per_division_day"
            )
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date}, {self.division})"


class ClosureDay(CouncilOwned):
    """A day the council is closed though it is not a bank holiday (a staff training day...).

    Complaint clocks skip it; FOI clocks do not (closures still count as working days there).
    """

    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["council", "date"], name="one_closure_per_council_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class OpeningPattern(models.Model):
    """One opening range of a queue on a weekday; a weekday may have several (a lunch break)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="opening_patterns")
    weekday = models.PositiveSmallIntegerField(choices=IsoWeekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["queue", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="pattern_opens_first"),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="pattern_iso_weekday"
            ),
            models.UniqueConstraint(
                fields=["queue", "weekday", "opens"], name="one_pattern_per_queue_day_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class OpeningException(models.Model):
    """A queue's hours on one date, replacing its weekly pattern (and bank-holiday closing).

    Either one row with `closed` set (closed all day), or one or more rows with opening ranges.
    """

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="opening_exceptions")
    date = models.DateField()
    closed = models.BooleanField(default=False)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["queue", "date", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(closed=True, opens__isnull=True, closes__isnull=True)
                    | Q(
                        closed=False,
                        opens__isnull=False,
                        closes__isnull=False,
                        opens__lt=F("closes"),
                    )
                ),
                name="exception_closed_or_valid_range",
            ),
            models.UniqueConstraint(
                fields=["queue", "date"],
                condition=Q(closed=True),
                name="one_closed_exception_per_queue_day",
            ),
            models.UniqueConstraint(
                fields=["queue", "date", "opens"], name="one_exception_per_queue_day_start"
            ),
        ]

    def __str__(self) -> str:
        if self.closed:
            return f"{self.date}: closed"
        return f"{self.date}: {self.opens:%H:%M} to {self.closes:%H:%M}"

    def clean(self) -> None:
        if self.closed:
            if self.opens is not None or self.closes is not None:
                raise ValidationError(_("A day closed all day has no opening times."))
            siblings = OpeningException.objects.filter(queue_id=self.queue_id, date=self.date)
            if siblings.exclude(pk=self.pk).exists():
                raise ValidationError(_("This day already has opening times; remove them first."))
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(_("Enter both an opening and a closing time, or mark it closed."))
        if self.opens >= self.closes:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})
        closed = OpeningException.objects.filter(
            queue_id=self.queue_id, date=self.date, closed=True
        )
        if closed.exclude(pk=self.pk).exists():
            raise ValidationError(_("This day is marked closed all day; remove that first."))
