"""The demo council's residents: tens of thousands of people, seeded, whose histories are the
demo's year of contacts.

The year of contacts (demo/contacts.py) names its callers `demo-resident-NNNNN` in both of its
sources (demo-telephony for calls, demo-crm for the other channels). Here each of those callers
becomes a person, loaded through the CRM's bulk import (`do_import_residents`, source
demo-telephony) with a reference in the other source too, so every contact they made is on their
timeline. Some people have accessibility needs, vulnerability and staff-safety markers, or are
restricted records; some have safeguarding contacts; some have a money-worries pattern in the
last month (rent arrears, council tax arrears, benefits, welfare support across services) that
fires the early-intervention rule; a few had contacts logged at the desktop with notes.

Everything is drawn from one seeded generator, relative to the day the demo runs, so the same
seed on the same day gives the same people (their CRM references are drawn by the CRM itself and
differ between runs).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.recorder import record_batch
from frontdoor.citizens.actions import (
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_link_household,
    do_propose_safety_marker,
)
from frontdoor.citizens.importing import ValidRow, do_import_residents, validate
from frontdoor.citizens.models import ExternalReference, Party
from frontdoor.contacts.actions import do_import_contacts
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.contacts.early_intervention import (
    do_decide_prompt,
    evaluate_contact_batch,
    evaluate_recent,
)
from frontdoor.contacts.models import EarlyInterventionPrompt
from frontdoor.contacts.records import RecordValidator, ValidRecord
from frontdoor.contacts.selectors import catalogue_lookup
from frontdoor.core.models import Council

from .contacts import PEOPLE

SOURCES = ("demo-telephony", "demo-crm")  # the demo contacts' sources, in that order
BATCH = 2000
MIN_PEOPLE = 400  # even a tiny demo (the tests run it at 1%) has enough people to show

GIVEN = {
    "female": [
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Mia",
        "Sophia",
        "Grace",
        "Lily",
        "Freya",
        "Emily",
        "Ella",
        "Poppy",
        "Evie",
        "Charlotte",
        "Sienna",
        "Daisy",
        "Phoebe",
        "Alice",
        "Florence",
        "Ruby",
        "Sarah",
        "Emma",
        "Claire",
        "Helen",
        "Rachel",
        "Karen",
        "Susan",
        "Margaret",
        "Patricia",
        "Linda",
        "Elizabeth",
        "Mary",
        "Jennifer",
        "Nicola",
        "Joanne",
        "Lisa",
        "Michelle",
        "Gemma",
        "Hannah",
        "Laura",
        "Siân",
        "Cerys",
        "Ffion",
        "Carys",
        "Eleri",
        "Megan",
        "Nia",
        "Bethan",
        "Rhiannon",
        "Aisha",
        "Fatima",
        "Zainab",
        "Priya",
        "Anjali",
        "Amira",
        "Noor",
        "Hafsa",
        "Agnieszka",
        "Katarzyna",
        "Anna",
        "Oksana",
        "Ioana",
        "Maria",
        "Chiamaka",
        "Ngozi",
        "Amina",
        "Hodan",
        "Sadia",
        "Parveen",
        "Roisin",
        "Niamh",
        "Aoife",
        "Sinead",
        "Mairead",
        "Shona",
        "Eilidh",
        "Morag",
    ],
    "male": [
        "Oliver",
        "George",
        "Noah",
        "Arthur",
        "Muhammad",
        "Leo",
        "Harry",
        "Oscar",
        "Archie",
        "Henry",
        "Jack",
        "Jacob",
        "Thomas",
        "James",
        "William",
        "David",
        "John",
        "Michael",
        "Paul",
        "Andrew",
        "Mark",
        "Richard",
        "Peter",
        "Stephen",
        "Robert",
        "Christopher",
        "Daniel",
        "Matthew",
        "Gareth",
        "Rhys",
        "Dafydd",
        "Owain",
        "Huw",
        "Emyr",
        "Iwan",
        "Ahmed",
        "Ali",
        "Omar",
        "Imran",
        "Hassan",
        "Rajesh",
        "Sanjay",
        "Arjun",
        "Piotr",
        "Tomasz",
        "Marek",
        "Andrei",
        "Bogdan",
        "Chinedu",
        "Emeka",
        "Oluwaseun",
        "Abdi",
        "Mohamed",
        "Tariq",
        "Bilal",
        "Ciaran",
        "Sean",
        "Padraig",
        "Declan",
        "Callum",
        "Euan",
        "Lewis",
        "Kyle",
        "Jamie",
        "Liam",
    ],
}
FAMILY = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Rees",
    "Pritchard",
    "Howells",
    "Llewellyn",
    "Vaughan",
    "Ahmed",
    "Rahman",
    "Chowdhury",
    "Akhtar",
    "Shah",
    "Sharma",
    "Nowak",
    "Kowalski",
    "Wisniewski",
    "Popescu",
    "Ionescu",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Mohamud",
    "Farah",
    "O'Brien",
    "O'Neill",
    "McCarthy",
    "MacDonald",
    "Fraser",
    "Stewart",
    "Smith-Jones",
    "O'Sullivan",
    "Łukasiewicz",
    "Müller",
]
STREETS = [
    "High Street",
    "Station Road",
    "Church Street",
    "Park Road",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Church Lane",
    "Park Avenue",
    "The Avenue",
    "Queens Road",
    "Kings Road",
    "New Road",
    "Grange Road",
    "Mill Lane",
    "School Lane",
    "Chapel Street",
    "Cathedral Road",
    "Heol y Parc",
    "Ffordd yr Orsaf",
    "Windsor Road",
    "Albert Road",
    "Springfield Road",
    "Highfield Road",
    "Stanley Road",
    "North Street",
    "South Street",
    "Mill Road",
    "Alexandra Road",
    "Richmond Road",
    "York Road",
    "Orchard Close",
    "Meadow Way",
    "Beech Grove",
    "Willow Court",
    "Oak Drive",
    "Rowan Crescent",
    "Elm Terrace",
]
TOWNS = ("Demoton", "Demoton", "Demoton", "Upper Demoton", "Lower Marsh", "Northfield")
LANGUAGES = (("cy", 0.05), ("pl", 0.02), ("ur", 0.01), ("ro", 0.01), ("so", 0.005))
INTERPRETED = ("pl", "ur", "ro", "so", "pa", "ar", "bn")
NEEDS = (
    "bsl_interpreter",
    "text_relay",
    "large_print",
    "easy_read",
    "hearing_loop",
    "needs_more_time",
    "prefers_named_contact",
)
# Ofcom's numbers reserved for drama: no real person answers them.
DRAMA_PHONES = (
    *(f"07700 900{n:03d}" for n in range(1000)),
    *(f"01632 960{n:03d}" for n in range(1000)),
    *(f"020 7946 0{n:03d}" for n in range(1000)),
    *(f"0113 496 0{n:03d}" for n in range(1000)),
    *(f"0114 496 0{n:03d}" for n in range(1000)),
    *(f"0115 496 0{n:03d}" for n in range(1000)),
    *(f"0116 496 0{n:03d}" for n in range(1000)),
    *(f"0117 496 0{n:03d}" for n in range(1000)),
    *(f"0118 496 0{n:03d}" for n in range(1000)),
    *(f"0121 496 0{n:03d}" for n in range(1000)),
    *(f"0131 496 0{n:03d}" for n in range(1000)),
    *(f"0141 496 0{n:03d}" for n in range(1000)),
    *(f"0151 496 0{n:03d}" for n in range(1000)),
    *(f"0161 496 0{n:03d}" for n in range(1000)),
    *(f"029 2018 0{n:03d}" for n in range(1000)),
    *(f"0191 498 0{n:03d}" for n in range(1000)),
)
# The money worries of the early-intervention rule: service, wrap code.
MONEY = (
    ("rents", "rent-arrears"),
    ("council-tax", "council-tax-arrears"),
    ("benefits", "benefits"),
    ("welfare-support", "welfare-support"),
)
NOTES = (
    "Explained how to set up a payment plan.",
    "Asked for the form to be posted; sent it today.",
    "Resident upset about repeated calls; apologised and escalated.",
    "Confirmed the change of address.",
    "Booked a call back for tomorrow morning.",
    "Resident says the online form would not accept the reference.",
)


def source_id(number: int) -> str:
    """A demo caller's reference, as demo/contacts.py writes it."""
    return f"demo-resident-{number:05d}"


def people_count(scale: float) -> int:
    return max(MIN_PEOPLE, min(PEOPLE, round(PEOPLE * scale)))


def already_loaded(council: Council) -> bool:
    return ExternalReference.objects.filter(
        council=council, source=SOURCES[0], source_id=source_id(0)
    ).exists()


@dataclass
class Summary:
    people: int = 0
    needs: int = 0
    vulnerability_markers: int = 0
    safety_markers: int = 0
    households: int = 0
    restricted_people: int = 0
    restricted_contacts: int = 0
    hardship_people: int = 0
    desktop_contacts: int = 0
    prompts: int = 0


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if c.isalnum() and c.isascii()).lower()


def _rows(rng: np.random.Generator, count: int, today: dt.date) -> list[dict[str, str]]:
    """The people as rows of the CRM's import format, in households sharing an address."""
    rows: list[dict[str, str]] = []
    phones = list(DRAMA_PHONES)
    rng.shuffle(phones)
    number = 0
    household = 0
    while number < count:
        size = int(rng.choice([1, 1, 2, 2, 2, 3, 4]))
        family = str(rng.choice(FAMILY))
        street = str(rng.choice(STREETS))
        house = int(rng.integers(1, 240))
        town = str(rng.choice(TOWNS))
        district = int(rng.integers(1, 10))
        postcode = (
            f"DM{district} {int(rng.integers(1, 10))}"
            f"{''.join(rng.choice(list('ABDEFGHJLNPQRSTUWXYZ'), 2))}"
        )
        uprn = str(900_000_000_000 + household)
        household += 1
        for member in range(size):
            if number >= count:
                break
            sex = "female" if rng.random() < 0.52 else "male"
            given = str(rng.choice(GIVEN[sex]))
            age = int(rng.integers(18, 40)) if member else int(rng.integers(18, 96))
            born = today - dt.timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
            row = {
                "source_id": source_id(number),
                "title": "" if rng.random() < 0.6 else ("Ms" if sex == "female" else "Mr"),
                "given_name": given,
                "family_name": family
                if member == 0 or rng.random() < 0.8
                else str(rng.choice(FAMILY)),
                "date_of_birth": born.isoformat(),
                "address": f"{house} {street}|{town}",
                "postcode": postcode,
                "uprn": uprn,
            }
            if rng.random() < 0.08:
                row["middle_names"] = str(rng.choice(GIVEN[sex]))
            if rng.random() < 0.04:
                row["preferred_name"] = given[:3] if len(given) > 4 else given
            if phones and rng.random() < 0.25:
                row["phone"] = phones.pop()
            if rng.random() < 0.55:
                row["email"] = f"{_ascii(given)}.{_ascii(row['family_name'])}{number}@example.com"
            draw = rng.random()
            cumulative = 0.0
            for language, share in LANGUAGES:
                cumulative += share
                if draw < cumulative:
                    row["preferred_language"] = language
                    break
            if rng.random() < 0.04:
                needs = sorted(set(rng.choice(NEEDS, size=int(rng.integers(1, 3)))))
                if rng.random() < 0.3:
                    needs.append("spoken_language_interpreter")
                    row["interpreter_language"] = str(rng.choice(INTERPRETED))
                row["needs"] = ";".join(needs)
            if rng.random() < 0.004:
                row["sensitivity"] = "restricted" if rng.random() < 0.7 else "safeguarding"
            row["preferred_channel"] = str(rng.choice(["", "", "phone", "email", "letter", "sms"]))
            rows.append(row)
            number += 1
    return rows


def _load(council: Council, rows: list[dict[str, str]], today: dt.date) -> None:
    """Through the CRM's bulk import, a batch at a time, then the second source's references."""
    valid: list[ValidRow] = []
    for number, row in enumerate(rows, start=2):
        checked = validate(number, row, today=today)
        if not isinstance(checked, ValidRow):
            raise ValueError(f"the demo made a bad resident: {checked}")
        valid.append(checked)
    known: set[str] = set()
    for start in range(0, len(valid), BATCH):
        with transaction.atomic():
            do_import_residents(
                actor=None,
                council=council,
                source=SOURCES[0],
                rows=valid[start : start + BATCH],
                known_tokens=known,
            )
    # The CRM has no bulk action to add a second source's references (ask: see the report).
    # The ids are the same as the first source's, so the people's search keys do not change.
    ids = dict(
        ExternalReference.objects.filter(council=council, source=SOURCES[0]).values_list(
            "source_id", "party_id"
        )
    )
    with transaction.atomic():
        ExternalReference.objects.bulk_create(
            (
                ExternalReference(
                    council=council, party_id=party_id, source=SOURCES[1], source_id=ref
                )
                for ref, party_id in ids.items()
            ),
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        record_batch(
            actor=None,
            action="resident.demo_references",
            object_type="citizens.externalreference",
            council_id=council.pk,
            summary={"source": SOURCES[1], "references": len(ids)},
        )


def _markers(
    council: Council,
    rng: np.random.Generator,
    parties: list[Party],
    today: dt.date,
    staff: dict[str, Any],
    summary: Summary,
) -> None:
    vulnerable = [p for p in parties if rng.random() < 0.012]
    kinds = (
        ("financial_hardship", "Offer a referral to welfare support; check for discounts.", ""),
        (
            "risk_of_homelessness",
            "Warm transfer to Housing Options; do not just give a number.",
            "",
        ),
        ("mental_health", "Allow extra time; offer a call back at a set time.", "Anxiety"),
        ("physical_health", "Offer home visits; calls may take longer.", "Limited mobility"),
        ("bereavement", "Recently bereaved: be patient and check what else is needed.", ""),
        ("carer", "Unpaid carer: offer call backs outside caring hours.", ""),
        ("digital_exclusion", "No internet access: offer phone or paper alternatives.", ""),
    )
    for party in vulnerable:
        kind, guidance, health = kinds[int(rng.integers(0, len(kinds)))]
        do_add_vulnerability_marker(
            actor=None,
            party=party,
            marker_type=kind,
            guidance=guidance,
            health_detail=health,
            lawful_basis="support" if health else "statutory",
            source="self_declared" if rng.random() < 0.7 else "professional",
            consent="given" if rng.random() < 0.8 else "not_sought",
            review_by=today + dt.timedelta(days=int(rng.integers(1, 365))),
        )
    summary.vulnerability_markers = len(vulnerable)
    # Proposed by the agent, who may not open restricted records: normal ones only.
    cautious = [p for p in parties if rng.random() < 0.002 and not p.restricted]
    for party in cautious:
        marker = do_propose_safety_marker(
            actor=staff["agent"],
            party=party,
            category=str(rng.choice(["verbal_abuse", "threats", "animals", "violence"])),
            precaution=str(
                rng.choice(
                    [
                        "Two officers for any visit",
                        "Do not visit alone; phone first",
                        "Dog at the property: ask for it to be secured",
                        "Abusive on the phone: end the call if it recurs",
                    ]
                )
            ),
            detail="Incident recorded by the contact centre (demo data).",
            incident_date=today - dt.timedelta(days=int(rng.integers(10, 300))),
            review_by=today + dt.timedelta(days=int(rng.integers(30, 365))),
            individual_informed=True,
        )
        do_approve_safety_marker(actor=staff["teamleader"], marker=marker)
    summary.safety_markers = len(cautious)


def _households(rng: np.random.Generator, parties: list[Party], summary: Summary) -> None:
    """Link a few hundred people who share an address into households."""
    by_uprn: dict[str, list[Party]] = {}
    for party in parties:
        address = party.addresses.all()[0] if party.addresses.all() else None
        if address is not None and address.uprn:
            by_uprn.setdefault(address.uprn, []).append(party)
    linked = 0
    for members in by_uprn.values():
        if len(members) < 2 or rng.random() > 0.5 or linked >= 300:
            continue
        first = members[0]
        for other in members[1:]:
            do_link_household(actor=None, party=first, other=other, relationship="lead_tenant")
        linked += 1
    summary.households = linked


def _contact_records(
    council: Council,
    rng: np.random.Generator,
    people: list[int],
    now: dt.datetime,
    summary: Summary,
) -> list[ValidRecord]:
    """Money-worry patterns of the last month and safeguarding contacts, as contact records."""
    validator = RecordValidator(
        catalogue=catalogue_lookup(council), time_zone=council.time_zone, default_source=SOURCES[1]
    )
    raw: list[dict[str, str]] = []
    hardship = [n for n in people if rng.random() < 0.015]
    summary.hardship_people = len(hardship)
    for number in hardship:
        picks = rng.choice(len(MONEY), size=int(rng.integers(2, 4)), replace=False)
        for k, pick in enumerate(sorted(picks)):
            service, wrap = MONEY[int(pick)]
            moment = now - dt.timedelta(days=float(rng.uniform(1, 26)), minutes=k)
            phone = rng.random() < 0.6
            raw.append(
                {
                    "contact_id": f"demo-money-{number:05d}-{k}",
                    "source": SOURCES[0] if phone else SOURCES[1],
                    "channel": "phone"
                    if phone
                    else str(rng.choice(["email", "web_form", "face_to_face"])),
                    "service": service,
                    "offered_at": moment.isoformat(),
                    "outcome": "answered",
                    "wait_seconds": str(int(rng.exponential(300))) if phone else "",
                    "handle_seconds": str(int(rng.gamma(2.0, 200))),
                    "resolution": str(rng.choice(["first_contact", "handed_over", "unresolved"])),
                    "wrap_code": wrap,
                    "citizen_ref": source_id(number),
                }
            )
    guarded = [n for n in people if rng.random() < 0.005]
    summary.restricted_contacts = len(guarded)
    for number in guarded:
        raw.append(
            {
                "contact_id": f"demo-safeguarding-{number:05d}",
                "source": SOURCES[0],
                "channel": "phone",
                "service": str(rng.choice(["adult-social-care", "childrens-services"])),
                "offered_at": (now - dt.timedelta(days=float(rng.uniform(1, 200)))).isoformat(),
                "outcome": "answered",
                "wait_seconds": str(int(rng.exponential(120))),
                "resolution": "handed_over",
                "wrap_code": "safeguarding-concern",
                "citizen_ref": source_id(number),
                "sensitivity": str(rng.choice(["safeguarding", "restricted"])),
            }
        )
    records = []
    for row_number, row in enumerate(raw, start=2):
        checked = validator.validate(row_number, row)
        if not isinstance(checked, ValidRecord):
            raise ValueError(f"the demo made a bad contact: {checked}")
        records.append(checked)
    return records


def generate_people(council: Council, *, seed: int, scale: float, staff: dict[str, Any]) -> Summary:
    """Create the demo's residents and their histories; returns what was made.

    `staff` holds the demo's users by username (the agent logs desktop contacts and proposes
    staff-safety markers, the team leader approves them and decides some prompts).
    """
    summary = Summary()
    rng = np.random.default_rng(seed + 7919)
    now = timezone.now()
    today = council.local_date(now)
    count = people_count(scale)
    rows = _rows(rng, count, today)
    _load(council, rows, today)
    summary.people = len(rows)
    summary.needs = sum(1 for r in rows if r.get("needs"))
    summary.restricted_people = sum(1 for r in rows if r.get("sensitivity"))

    by_ref = dict(
        ExternalReference.objects.filter(council=council, source=SOURCES[0]).values_list(
            "source_id", "party_id"
        )
    )
    ordered_ids = [by_ref[source_id(n)] for n in range(count)]
    parties = list(
        Party.objects.filter(pk__in=ordered_ids)
        .select_related("council")
        .prefetch_related("addresses")
    )
    parties.sort(key=lambda p: p.pk)
    with transaction.atomic():
        _markers(council, rng, parties, today, staff, summary)
        _households(rng, parties, summary)

    catalogue = catalogue_lookup(council)
    records = _contact_records(council, rng, list(range(count)), now, summary)
    for start in range(0, len(records), 5000):
        batch = records[start : start + 5000]
        with transaction.atomic():
            do_import_contacts(actor=None, council=council, records=batch, catalogue=catalogue)
            # Where an import hooks the rules in: once per batch, after the batch is written.
            evaluate_contact_batch(council, batch)

    # A few contacts logged at the desktop, with notes, by the demo's agent.
    agent = staff["agent"]
    normal = [p for p in parties if not p.restricted]
    chosen = rng.choice(len(normal), size=max(3, count // 200), replace=False)
    services = ("council-tax", "rents", "waste", "housing-needs", "parking-permits", "benefits")
    codes = (
        "council-tax-bill",
        "rent-payment",
        "missed-bin",
        "housing-application",
        "parking-permit",
        "benefits",
    )
    for index in sorted(int(i) for i in chosen):
        pick = int(rng.integers(0, len(services)))
        do_log_contact(
            actor=agent,
            party=normal[index],
            channel=str(rng.choice(["phone", "phone", "face_to_face", "email"])),
            service=services[pick],
            wrap_code=codes[pick],
            notes=str(rng.choice(NOTES)),
            resolution=str(rng.choice(["first_contact", "follow_up_resolved", "handed_over"])),
            failure_demand=(failure := bool(rng.random() < 0.3)),
            failure_demand_type="chasing" if failure else "",
            offered_at=now - dt.timedelta(days=float(rng.uniform(0, 20))),
        )
        summary.desktop_contacts += 1

    # People whose recent contacts from the year already make a pattern.
    with transaction.atomic():
        evaluate_recent(council)
    # A third of the prompts were dealt with already, so the worklist shows every state.
    prompts = list(EarlyInterventionPrompt.objects.filter(council=council).order_by("pk"))
    for prompt in prompts[::3]:
        decision = "actioned" if rng.random() < 0.7 else "dismissed"
        do_decide_prompt(
            actor=staff["teamleader"],
            prompt=prompt,
            status=decision,
            reason=(
                "Referred to the welfare support team"
                if decision == "actioned"
                else "Already receiving support from the tenancy sustainment team"
            ),
        )
    summary.prompts = len(prompts)
    return summary
