"""Due dates worked out by hand with a calendar, for every type, around the awkward days.

Each row says why. "N WD" counts working days after the start (the start itself never counts).
Bank holidays used (GOV.UK): E&W = England and Wales, SCO = Scotland, NI = Northern Ireland.

  2020  Fri 8 May VE day (early May moved from Mon 4 May), Mon 25 May spring.
  2022  Mon 19 Sep state funeral of Queen Elizabeth II (every division).
  2025  Mon 1 Dec St Andrew's substitute (SCO); Thu 25, Fri 26 Dec.
  2026  Thu 1 Jan; Fri 2 Jan (SCO); Tue 17 Mar St Patrick's (NI); Fri 3 Apr Good Friday; Mon 6 Apr
        Easter Monday (E&W, NI, not SCO); Mon 4 May; Mon 13 Jul Battle of the Boyne substitute
        (NI); Mon 30 Nov St Andrew's (SCO); Fri 25 Dec; Mon 28 Dec Boxing Day substitute.
  2027  Fri 1 Jan; Mon 4 Jan 2nd January substitute (SCO).
  2028  Wed 12 Jul Battle of the Boyne (NI).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from frontdoor.cases.engine.clocks import (
    ClockEvent,
    acknowledged,
    compute_clock,
    extended,
    wait_ended,
    wait_started,
)
from frontdoor.cases.engine.due_date import policy_for
from frontdoor.cases.engine.policies import ClockSettings, WaitReason

from .calendars import calendar_for

pytestmark = pytest.mark.no_db

D = dt.date
EW, SCO, NI = "england-and-wales", "scotland", "northern-ireland"
CLARIFICATION, IDENTITY, FEE = WaitReason.CLARIFICATION, WaitReason.IDENTITY, WaitReason.FEE


@dataclass(frozen=True)
class Row:
    why: str
    type: str
    division: str
    received: dt.date
    acknowledge_by: dt.date | None
    due: dt.date | None
    policy: str | None = None
    events: tuple[ClockEvent, ...] = ()
    closures: tuple[dt.date, ...] = ()


ROWS = [
    # FOI / EIR: any UK division's bank holidays outside Scotland; Scotland's only inside. -------
    Row(
        "FOI 20 WD over Christmas: Dec 2-5 (4), 8-12 (9), 15-19 (14), 22-24 (17), 29-31 (20)",
        "foi",
        EW,
        D(2025, 12, 1),
        None,
        D(2025, 12, 31),
    ),
    Row(
        "FOI in England skips Scotland's 2 January: 8-12 Dec (5), 15-19 (10), 22-24 (13), "
        "29-31 (16), Jan 1-2 holidays, Jan 5-8 (20)",
        "foi",
        EW,
        D(2025, 12, 5),
        None,
        D(2026, 1, 8),
    ),
    Row(
        "FOI in England skips NI's St Patrick's Day and Easter Monday: Mar 18-20 (3), 23-27 "
        "(8), Mar 30-Apr 2 (12), Apr 7-10 (16), 13-16 (20)",
        "foi",
        EW,
        D(2026, 3, 16),
        None,
        D(2026, 4, 16),
    ),
    Row(
        "FOISA counts Scotland's days only: 17 Mar and Easter Monday are working days there: "
        "Mar 17-20 (4), 23-27 (9), Mar 30-Apr 2 (13), Good Friday, Apr 6-10 (18), 13-14 (20)",
        "foi",
        SCO,
        D(2026, 3, 16),
        None,
        D(2026, 4, 14),
    ),
    Row(
        "FOI over the state funeral (one-off, 19 Sep 2022): 13-16 (4), 20-23 (8), 26-30 "
        "(13), Oct 3-7 (18), 10-11 (20)",
        "foi",
        EW,
        D(2022, 9, 12),
        None,
        D(2022, 10, 11),
    ),
    Row(
        "FOI over VE day 2020: Mon 4 May was a working day that year, Fri 8 May was not: "
        "May 4-7 (4), 11-15 (9), 18-22 (14), spring bank holiday 25th, 26-29 (18), Jun 1-2 (20)",
        "foi",
        EW,
        D(2020, 5, 1),
        None,
        D(2020, 6, 2),
    ),
    Row(
        "FOI in England skips NI's 12 July substitute (Mon 13 Jul 2026): Jun 30-Jul 3 (4), "
        "6-10 (9), 14-17 (13), 20-24 (18), 27-28 (20)",
        "foi",
        EW,
        D(2026, 6, 29),
        None,
        D(2026, 7, 28),
    ),
    Row(
        "FOI in England skips St Andrew's Day (Mon 30 Nov 2026): 17-20 (4), 23-27 (9), "
        "Dec 1-4 (13), 7-11 (18), 14-15 (20)",
        "foi",
        EW,
        D(2026, 11, 16),
        None,
        D(2026, 12, 15),
    ),
    Row(
        "FOI fees notice Thu 15 Jan, paid Tue 20 Jan: 13-14 counted (2), 15-20 disregarded, "
        "then 18 more: 21-23 (5), 26-30 (10), Feb 2-6 (15), 9-13 (20); unpaused due 9 Feb",
        "foi",
        EW,
        D(2026, 1, 12),
        None,
        D(2026, 2, 13),
        events=(wait_started(FEE, D(2026, 1, 15)), wait_ended(FEE, D(2026, 1, 20))),
    ),
    Row(
        "FOI clarification asked 3 Dec, answered Mon 5 Jan: restarts from 5 Jan: 6-9 (4), "
        "12-16 (9), 19-23 (14), 26-30 (19), Feb 2 (20)",
        "foi",
        EW,
        D(2025, 12, 1),
        None,
        D(2026, 2, 2),
        events=(
            wait_started(CLARIFICATION, D(2025, 12, 3)),
            wait_ended(CLARIFICATION, D(2026, 1, 5)),
        ),
    ),
    Row(
        "FOI public-interest extension of 20 WD on 2 Feb: due 9 Feb, then Feb 10-13 (4), "
        "16-20 (9), 23-27 (14), Mar 2-6 (19), 9 (20)",
        "foi",
        EW,
        D(2026, 1, 12),
        None,
        D(2026, 3, 9),
        events=(extended(D(2026, 2, 2), "Public interest test", amount=20),),
    ),
    Row(
        "EIR 20 WD: Mar 3-6 (4), 9-13 (9), 16 (10), NI 17th, 18-20 (13), 23-27 (18), 30-31 (20)",
        "eir",
        EW,
        D(2026, 3, 2),
        None,
        D(2026, 3, 31),
    ),
    Row(
        "EIR extended to 40 WD from receipt: 31 Mar is the 20th; Apr 1-2 (22), Easter, "
        "7-10 (26), 13-17 (31), 20-24 (36), 27-30 (40)",
        "eir",
        EW,
        D(2026, 3, 2),
        None,
        D(2026, 4, 30),
        events=(extended(D(2026, 3, 20), "Complex and voluminous"),),
    ),
    Row(
        "FOI internal review, 20 WD, as the FOI count from 16 Mar 2026",
        "foi-internal-review",
        EW,
        D(2026, 3, 16),
        None,
        D(2026, 4, 16),
    ),
    Row(
        "EIR reconsideration, 40 WD (reg 11(4)): 9 Feb is the 20th; Feb 10-13 (24), 16-20 "
        "(29), 23-27 (34), Mar 2-6 (39), 9 (40)",
        "eir-internal-review",
        EW,
        D(2026, 1, 12),
        None,
        D(2026, 3, 9),
    ),
    Row(
        "EISR reconsideration in Scotland, 20 WD: 13-16 (4), 19-23 (9), 26-30 (14), "
        "Feb 2-6 (19), 9 (20)",
        "eir-internal-review",
        SCO,
        D(2026, 1, 12),
        None,
        D(2026, 2, 9),
    ),
    # Complaints: the council's division and its closure days. --------------------------------
    Row(
        "HOS/LGSCO stage 1 over Christmas: ack 5 WD: 23-24 (2), 29-31 (5); answer 10 WD after "
        "the ack: New Year's Day, Fri 2 Jan (1) is a working day in England, 5-9 (6), 12-15 (10)",
        "complaint-stage-1",
        EW,
        D(2025, 12, 22),
        D(2025, 12, 31),
        D(2026, 1, 15),
    ),
    Row(
        "The same in Scotland's calendar: 1 and 2 Jan are holidays: 5-9 (5), 12-16 (10)",
        "complaint-stage-1",
        SCO,
        D(2025, 12, 22),
        D(2025, 12, 31),
        D(2026, 1, 16),
        policy="hos-lgsco-2024",
    ),
    Row(
        "HOS/LGSCO stage 2 over Easter: ack 31 Mar (1), Apr 1-2 (3), 7-8 (5); answer 20 WD "
        "after: 9-10 (2), 13-17 (7), 20-24 (12), 27-30 (16), May 1 (17), 4 May holiday, 5-7 (20)",
        "complaint-stage-2",
        EW,
        D(2026, 3, 30),
        D(2026, 4, 8),
        D(2026, 5, 7),
    ),
    Row(
        "A late acknowledgement (Fri 23 Jan, due by Mon 19 Jan) buys no time: 10 WD from 19 "
        "Jan: 20-23 (4), 26-30 (9), Feb 2 (10)",
        "complaint-stage-1",
        EW,
        D(2026, 1, 12),
        D(2026, 1, 19),
        D(2026, 2, 2),
        events=(acknowledged(D(2026, 1, 23)),),
    ),
    Row(
        "An early acknowledgement (Wed 14 Jan) starts the 10 WD then: 15-16 (2), 19-23 (7), "
        "26-28 (10)",
        "complaint-stage-1",
        EW,
        D(2026, 1, 12),
        D(2026, 1, 19),
        D(2026, 1, 28),
        events=(acknowledged(D(2026, 1, 14)),),
    ),
    Row(
        "Stage 1 extended by the most allowed, 10 WD after 2 Feb: 3-6 (4), 9-13 (9), 16 (10)",
        "complaint-stage-1",
        EW,
        D(2026, 1, 12),
        D(2026, 1, 19),
        D(2026, 2, 16),
        events=(extended(D(2026, 1, 30), "Waiting for a repairs survey", amount=10),),
    ),
    Row(
        "Closed Tue 29 and Wed 30 Dec 2026: ack 22-24 (3), 25 and 28 holidays, 29-30 closed, "
        "31 (4), New Year's Day, Jan 4 (5); answer Jan 5-8 (4), 11-15 (9), 18 (10)",
        "complaint-stage-1",
        EW,
        D(2026, 12, 21),
        D(2027, 1, 4),
        D(2027, 1, 18),
        closures=(D(2026, 12, 29), D(2026, 12, 30)),
    ),
    Row(
        "The same council without closures: ack 22-24 (3), 29-30 (5); answer 31 (1), "
        "Jan 4-8 (6), 11-14 (10)",
        "complaint-stage-1",
        EW,
        D(2026, 12, 21),
        D(2026, 12, 30),
        D(2027, 1, 14),
    ),
    Row(
        "FOI ignores the council's closure days (29-30 Dec count) but skips Scotland's 4 Jan "
        "2027 substitute: 22-24 (3), 29-31 (6), Jan 5-8 (10), 11-15 (15), 18-22 (20)",
        "foi",
        EW,
        D(2026, 12, 21),
        None,
        D(2027, 1, 22),
        closures=(D(2026, 12, 29), D(2026, 12, 30)),
    ),
    Row(
        "SPSO stage 1: 5 WD from receipt, no acknowledgement limit; St Andrew's substitute "
        "Mon 1 Dec 2025: Dec 2-5 (4), 8 (5)",
        "complaint-stage-1",
        SCO,
        D(2025, 11, 28),
        None,
        D(2025, 12, 8),
        policy="spso-mchp",
    ),
    Row(
        "SPSO stage 1 extended to 10 WD in all (5 more): Dec 9-12 (4), 15 (5)",
        "complaint-stage-1",
        SCO,
        D(2025, 11, 28),
        None,
        D(2025, 12, 15),
        policy="spso-mchp",
        events=(extended(D(2025, 12, 5), "Needs a site visit", amount=5),),
    ),
    Row(
        "SPSO stage 2 over Scotland's New Year: ack 3 WD: 29-31 Dec; answer 20 WD from "
        "receipt: 29-31 (3), Jan 1-2 holidays, 5-9 (8), 12-16 (13), 19-23 (18), 26-27 (20)",
        "complaint-stage-2",
        SCO,
        D(2025, 12, 24),
        D(2025, 12, 31),
        D(2026, 1, 27),
        policy="spso-mchp",
    ),
    # Subject access and the other data rights: one calendar month, then the next working day. ---
    Row(
        "SAR 31 Jan 2025: no 31 Feb, so the month's last day, Fri 28 Feb",
        "sar",
        EW,
        D(2025, 1, 31),
        None,
        D(2025, 2, 28),
    ),
    Row(
        "SAR 31 Jan 2024: a leap year, Thu 29 Feb", "sar", EW, D(2024, 1, 31), None, D(2024, 2, 29)
    ),
    Row(
        "SAR Sat 31 Jan 2026: Sat 28 Feb, moved to Mon 2 Mar",
        "sar",
        EW,
        D(2026, 1, 31),
        None,
        D(2026, 3, 2),
    ),
    Row(
        "SAR 26 Nov 2025: Boxing Day (Fri), weekend, so Mon 29 Dec",
        "sar",
        EW,
        D(2025, 11, 26),
        None,
        D(2025, 12, 29),
    ),
    Row(
        "Erasure, the same clock, on Christmas Day 2025: Sun 25 Jan 2026, so Mon 26 Jan",
        "erasure",
        EW,
        D(2025, 12, 25),
        None,
        D(2026, 1, 26),
    ),
    Row(
        "SAR in Scotland 2 Dec 2025: Fri 2 Jan 2026 is a holiday there, so Mon 5 Jan",
        "sar",
        SCO,
        D(2025, 12, 2),
        None,
        D(2026, 1, 5),
    ),
    Row(
        "The same in England: 2 Jan is a working day",
        "sar",
        EW,
        D(2025, 12, 2),
        None,
        D(2026, 1, 2),
    ),
    Row(
        "SAR in NI 17 Feb 2026: St Patrick's Day (Tue 17 Mar), so Wed 18 Mar",
        "sar",
        NI,
        D(2026, 2, 17),
        None,
        D(2026, 3, 18),
    ),
    Row(
        "Rectification in England 17 Feb 2026: 17 Mar is a working day there",
        "rectification",
        EW,
        D(2026, 2, 17),
        None,
        D(2026, 3, 17),
    ),
    Row(
        "SAR in NI 12 Jun 2028: Wed 12 Jul is the Twelfth, so Thu 13 Jul",
        "sar",
        NI,
        D(2028, 6, 12),
        None,
        D(2028, 7, 13),
    ),
    Row(
        "SAR in Scotland 30 Oct 2025: Sun 30 Nov, Mon 1 Dec St Andrew's substitute, Tue 2 Dec",
        "sar",
        SCO,
        D(2025, 10, 30),
        None,
        D(2025, 12, 2),
    ),
    Row(
        "SAR 19 Aug 2022: the state funeral day, so Tue 20 Sep",
        "sar",
        EW,
        D(2022, 8, 19),
        None,
        D(2022, 9, 20),
    ),
    Row(
        "SAR 8 Apr 2020: VE day Fri 8 May, so Mon 11 May",
        "sar",
        EW,
        D(2020, 4, 8),
        None,
        D(2020, 5, 11),
    ),
    Row(
        "SAR extended: three months from the same start, 31 Jan to 30 Apr (not 28 Feb + 2 "
        "months = 28 Apr)",
        "sar",
        EW,
        D(2025, 1, 31),
        None,
        D(2025, 4, 30),
        events=(extended(D(2025, 2, 10), "Complex: several systems"),),
    ),
    Row(
        "SAR clarification asked Mon 10 Mar, answered Fri 14 Mar: 5 days uncounted (both ends "
        "in): 3 Apr + 5 = Tue 8 Apr",
        "sar",
        EW,
        D(2025, 3, 3),
        None,
        D(2025, 4, 8),
        events=(
            wait_started(CLARIFICATION, D(2025, 3, 10)),
            wait_ended(CLARIFICATION, D(2025, 3, 14)),
        ),
    ),
    Row(
        "SAR identity evidence arrives 20 Mar: restart, 20 Apr 2025 is Easter Sunday, Mon 21 "
        "Easter Monday, so Tue 22 Apr",
        "sar",
        EW,
        D(2025, 3, 3),
        None,
        D(2025, 4, 22),
        events=(wait_started(IDENTITY, D(2025, 3, 4)), wait_ended(IDENTITY, D(2025, 3, 20))),
    ),
    Row(
        "SAR fee asked 3 Mar, paid 7 Mar: restart from 7 Mar, Mon 7 Apr",
        "sar",
        EW,
        D(2025, 3, 3),
        None,
        D(2025, 4, 7),
        events=(wait_started(FEE, D(2025, 3, 3)), wait_ended(FEE, D(2025, 3, 7))),
    ),
    Row(
        "SAR clarification 3-7 Feb (5 days) then extended: 30 Apr + 5 = Mon 5 May, early May "
        "bank holiday, so Tue 6 May",
        "sar",
        EW,
        D(2025, 1, 31),
        None,
        D(2025, 5, 6),
        events=(
            wait_started(CLARIFICATION, D(2025, 2, 3)),
            wait_ended(CLARIFICATION, D(2025, 2, 7)),
            extended(D(2025, 2, 10), "Complex"),
        ),
    ),
    Row(
        "Data-protection complaint: acknowledge within 30 days from the day after receipt: "
        "26 Dec 2025 is Boxing Day (Fri), so Mon 29 Dec; no fixed answer date",
        "dp-complaint",
        EW,
        D(2025, 11, 26),
        D(2025, 12, 29),
        None,
    ),
    Row(
        "Data-protection complaint 24 Nov 2025: Wed 24 Dec is a working day",
        "dp-complaint",
        EW,
        D(2025, 11, 24),
        D(2025, 12, 24),
        None,
    ),
    # Member enquiries: ack 2 and answer 10 WD, both from receipt, the council's days. -------
    Row(
        "Member enquiry over New Year in England: Fri 2 Jan (1), Mon 5 (2); answer Jan 2 (1), "
        "5-9 (6), 12-15 (10)",
        "member-enquiry",
        EW,
        D(2025, 12, 31),
        D(2026, 1, 5),
        D(2026, 1, 15),
    ),
    Row(
        "Member enquiry in Scotland: 1-2 Jan holidays: ack 5-6; answer 5-9 (5), 12-16 (10)",
        "member-enquiry",
        SCO,
        D(2025, 12, 31),
        D(2026, 1, 6),
        D(2026, 1, 16),
    ),
    Row(
        "Member enquiry in NI over St Patrick's Day: ack 18-19; answer 18-20 (3), 23-27 (8), "
        "30-31 (10)",
        "member-enquiry",
        NI,
        D(2026, 3, 16),
        D(2026, 3, 19),
        D(2026, 3, 31),
    ),
    # Service standards. --------------------------------------------------------------------
    Row(
        "5 working days from Thu 2 Apr 2026: Good Friday, Easter Monday, 7-10 (4), 13 (5)",
        "service-request",
        EW,
        D(2026, 4, 2),
        None,
        D(2026, 4, 13),
        policy="5-working-days",
    ),
    Row(
        "7 calendar days from Fri 18 Dec 2026 is Christmas Day; weekend, Boxing Day "
        "substitute Mon 28, so Tue 29 Dec",
        "service-request",
        EW,
        D(2026, 12, 18),
        None,
        D(2026, 12, 29),
        policy="7-calendar-days",
    ),
    Row("A compliment has no clock", "compliment", EW, D(2026, 12, 18), None, None),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.type}-{r.division}-{r.received}" for r in ROWS])
def test_hand_checked_due_dates(row: Row):
    policy = policy_for(
        row.type,
        division=row.division,
        settings=ClockSettings(complaint_procedure="hos-lgsco-2024"),
        policy=row.policy,
    )
    calendar = calendar_for(policy.calendar, row.division, row.closures)

    clock = compute_clock(policy, row.received, row.events, calendar)

    assert (clock.acknowledge_by, clock.due) == (row.acknowledge_by, row.due), row.why


def test_every_type_has_a_hand_checked_row():
    from frontdoor.cases.engine.due_date import CLOCK_TYPES

    checked = {row.type for row in ROWS}
    assert set(CLOCK_TYPES) - checked == {"comment"}  # a comment is a compliment's twin: no clock
