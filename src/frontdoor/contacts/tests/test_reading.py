"""Reading contact files: the interchange CSV, mapping files, and the real exports they serve."""

from __future__ import annotations

import io
import itertools
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from frontdoor.contacts import reading
from frontdoor.contacts.reading import (
    WHOLE_ROW,
    MappingError,
    ReadError,
    SourceRecord,
    load_mapping,
    parse_mapping,
    read_records,
)

pytestmark = pytest.mark.no_db

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
MAPPINGS = HERE.parent / "mappings"
DATA = (Path(__file__).resolve().parents[4] / ".." / "shared" / "data").resolve()
BANK_FILE = DATA / "anonymous-bank-callcentre" / "anonymous_bank_1999_02.tsv"
NYC_CSV = DATA / "nyc311" / "nyc311_2022-05-01_0000-0206.csv"
NYC_JSON = DATA / "nyc311" / "nyc311_soda_api_2024-05-26_27.json"

HEADER = "contact_id,channel,service,offered_at,outcome"


def needs(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"the real data file {path} is not here (../shared/data beside the project)")


def csv_bytes(*lines: str) -> io.BytesIO:
    return io.BytesIO("\r\n".join(lines).encode() + b"\r\n")


def toml_mapping(text: str) -> reading.Mapping:
    return parse_mapping(tomllib.loads(text))


MINIMAL_FIELDS = """
[fields]
contact_id = { column = "id" }
channel = { value = "phone" }
service = { value = "council-tax" }
offered_at = { column = "at" }
outcome = { value = "answered" }
"""


# --- the interchange format, without a mapping -------------------------------------------------


def test_a_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + f"{HEADER}\na1,phone,rents,2026-01-05T09:00:00,answered\n".encode()
    )

    [record] = read_records(path)

    assert record.values == {
        "contact_id": "a1",
        "channel": "phone",
        "service": "rents",
        "offered_at": "2026-01-05T09:00:00",
        "outcome": "answered",
    }


def test_extra_columns_are_ignored_and_column_order_is_free():
    stream = csv_bytes(
        "Outcome , notes,CONTACT_ID,service,offered_at,channel,colour",
        "answered,called twice,a1,rents,2026-01-05T09:00:00,phone,blue",
    )

    [record] = read_records(stream)

    assert record.values == {
        "outcome": "answered",
        "contact_id": "a1",
        "service": "rents",
        "offered_at": "2026-01-05T09:00:00",
        "channel": "phone",
    }
    assert record.skipped is None and record.problems == ()


def test_the_header_is_row_1_and_row_numbers_are_what_a_spreadsheet_shows():
    stream = csv_bytes(
        HEADER,
        "a1,phone,rents,2026-01-05T09:00:00,answered",
        "",
        'a2,phone,"rents',
        'and more",2026-01-05T09:01:00,answered',
        "a3,phone,rents,2026-01-05T09:02:00,answered",
    )

    records = list(read_records(stream))

    # The blank line is row 3; a quoted value over two lines is one row (4).
    assert [(r.row_number, r.values["contact_id"]) for r in records if r.values] == [
        (2, "a1"),
        (4, "a2"),
        (5, "a3"),
    ]
    assert records[1].values["service"] == "rents\r\nand more"


def test_values_are_passed_raw_and_empty_for_the_validator_to_judge():
    stream = csv_bytes(f"{HEADER},wait_seconds", " a1 ,PHONE,rents,not a date,,  ")

    [record] = read_records(stream)

    assert record.values == {
        "contact_id": " a1 ",
        "channel": "PHONE",
        "service": "rents",
        "offered_at": "not a date",
        "outcome": "",
        "wait_seconds": "  ",
    }
    assert record.problems == ()


def test_binary_and_text_file_objects_are_read_and_left_open():
    text = f"\ufeff{HEADER}\na1,phone,rents,2026-01-05T09:00:00,answered\n"
    binary = io.BytesIO(text.encode())
    textual = io.StringIO(text)

    from_binary = list(read_records(binary))
    from_text = list(read_records(textual))

    assert from_binary == from_text
    assert from_binary[0].values is not None and from_binary[0].values["contact_id"] == "a1"
    assert not binary.closed and not textual.closed


def test_a_header_without_any_interchange_column_is_a_read_error():
    stream = csv_bytes("Unique Key,Created Date", "1,05/01/2022 12:00:03 AM")

    with pytest.raises(ReadError, match="none of the interchange format's columns"):
        list(read_records(stream))


def test_an_empty_file_is_a_read_error():
    with pytest.raises(ReadError, match="no header row"):
        list(read_records(io.BytesIO(b"")))


def test_a_row_with_the_wrong_number_of_fields_is_a_problem_and_the_next_row_is_read():
    stream = csv_bytes(
        HEADER,
        "a1,phone,rents,2026-01-05T09:00:00,answered,surplus",
        "a2,phone,rents",
        "a3,phone,rents,2026-01-05T09:02:00,answered",
    )

    records = list(read_records(stream))

    assert [(r.row_number, r.problems) for r in records] == [
        (2, ((WHOLE_ROW, "has 6 fields where the header has 5"),)),
        (3, ((WHOLE_ROW, "has 3 fields where the header has 5"),)),
        (4, ()),
    ]


def test_bytes_that_are_not_utf8_are_a_problem_of_that_row_only():
    stream = io.BytesIO(
        f"{HEADER}\n".encode()
        + b"a1,phone,caf\xe9,2026-01-05T09:00:00,answered\n"
        + b"a2,phone,rents,2026-01-05T09:01:00,answered\n"
    )

    first, second = read_records(stream)

    assert first.problems == (
        ("service", "holds bytes that are not valid UTF-8 text (is the file in another encoding?)"),
    )
    assert second.problems == ()


def test_a_mapping_can_name_the_encoding_of_an_export():
    mapping = toml_mapping('format = "csv"\nencoding = "cp1252"\n' + MINIMAL_FIELDS)
    stream = io.BytesIO(b"id,at\ncaf\xe9,2026-01-05T09:00:00\n")

    [record] = read_records(stream, mapping)

    assert record.values is not None and record.values["contact_id"] == "café"
    assert record.problems == ()


# --- mapping files --------------------------------------------------------------------------------

SAME_MAPPING_TOML = """
format = "csv"
delimiter = ";"
source = "switch"
time_zone = "Europe/London"

[[skip_when]]
reason = "test call"
when = { column = "kind", equals = "TEST" }

[fields]
contact_id = { template = "{line}-{id}" }
channel = { value = "phone" }
service = { column = "kind", map = { CT = "council-tax" }, default = "switchboard" }
offered_at = { datetime = "at", format = "%d/%m/%Y %H:%M" }
outcome = { column = "result", map = { OK = "answered" } }
citizen_ref = { column = "caller", absent = ["0"] }
retracted = { value = false }
"""

SAME_MAPPING_YAML = """
format: csv
delimiter: ";"
source: switch
time_zone: Europe/London
skip_when:
  - reason: test call
    when: [{column: kind, equals: TEST}]
fields:
  contact_id: {template: "{line}-{id}"}
  channel: {value: phone}
  service: {column: kind, map: {CT: council-tax}, default: switchboard}
  offered_at: {datetime: at, format: "%d/%m/%Y %H:%M"}
  outcome: {column: result, map: {OK: answered}}
  citizen_ref: {column: caller, absent: ["0"]}
  retracted: {value: false}
"""

SEMICOLON_FILE = (
    "line;id;kind;at;result;caller\n"
    "L1;7;CT;05/01/2026 09:30;OK;0\n"
    "L1;8;TEST;05/01/2026 09:31;OK;0\n"
    "L2;7;XX;05/01/2026 09:32;OK;123\n"
)


def test_toml_and_yaml_mappings_load_alike_and_read_a_file_the_same(tmp_path):
    (tmp_path / "switch.toml").write_text(SAME_MAPPING_TOML)
    (tmp_path / "switch.yaml").write_text(SAME_MAPPING_YAML)

    from_toml = load_mapping(tmp_path / "switch.toml")
    from_yaml = load_mapping(tmp_path / "switch.yaml")
    records = [list(read_records(io.StringIO(SEMICOLON_FILE), m)) for m in (from_toml, from_yaml)]

    assert records[0] == records[1]
    assert (from_toml.source, from_toml.time_zone) == ("switch", "Europe/London")
    assert (from_yaml.source, from_yaml.time_zone) == ("switch", "Europe/London")
    assert records[0] == [
        SourceRecord(
            2,
            {
                "contact_id": "L1-7",
                "channel": "phone",
                "service": "council-tax",
                "offered_at": "2026-01-05T09:30:00",
                "outcome": "answered",
                "citizen_ref": "",
                "retracted": "false",
            },
        ),
        SourceRecord(3, None, "test call"),
        SourceRecord(
            4,
            {
                "contact_id": "L2-7",
                "channel": "phone",
                "service": "switchboard",
                "offered_at": "2026-01-05T09:32:00",
                "outcome": "answered",
                "citizen_ref": "123",
                "retracted": "false",
            },
        ),
    ]


def test_an_unknown_interchange_field_is_a_mapping_error():
    with pytest.raises(MappingError, match="'caller_phone' is not a column of the interchange"):
        toml_mapping(MINIMAL_FIELDS + 'caller_phone = { column = "ani" }\n')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('formt = "csv"\n' + MINIMAL_FIELDS, r"the mapping: unknown key formt"),
        ('format = "xlsx"\n' + MINIMAL_FIELDS, r"format: 'xlsx' is not one of csv, tsv, json"),
        ('format = "tsv"\ndelimiter = ";"\n' + MINIMAL_FIELDS, r"delimiter: only a csv"),
        ('time_zone = "Europe/Londres"\n' + MINIMAL_FIELDS, r"not an IANA time zone"),
        ('encoding = "klingon"\n' + MINIMAL_FIELDS, r"not a known text encoding"),
        (
            MINIMAL_FIELDS + 'queue = { column = "q", value = "x" }\n',
            r"fields.queue: needs exactly one of .* \(it has column, value\)",
        ),
        (MINIMAL_FIELDS + 'queue = { colum = "q" }\n', r"fields.queue: needs exactly one of"),
        (MINIMAL_FIELDS + 'queue = { column = "q", mapp = {} }\n', r"unknown key mapp"),
        (MINIMAL_FIELDS + 'queue = { column = "q", default = "x" }\n', r"a default is only for"),
        (MINIMAL_FIELDS + 'queue = "q"\n', r"fields.queue: must be a table"),
        (MINIMAL_FIELDS + 'queue = { template = "queue-1" }\n', r"names no column"),
        (MINIMAL_FIELDS + 'queue = { template = "{a" }\n', r"must open a column name"),
        (
            MINIMAL_FIELDS.replace('{ column = "at" }', '{ datetime = "at", format = "%Y-%m-%Q" }'),
            r"is not a usable format",
        ),
        (
            MINIMAL_FIELDS.replace('{ column = "at" }', '{ datetime = "at", format = "%Y-%m-%d" }'),
            r"reads no hour",
        ),
        (
            MINIMAL_FIELDS.replace(
                '{ column = "at" }', '{ datetime = "at", format = "%m/%d/%Y %I:%M" }'
            ),
            r"12-hour %I but no AM/PM %p",
        ),
        (
            MINIMAL_FIELDS.replace('{ column = "at" }', '{ date = "d", date_format = "%y%m%d" }'),
            r"a date needs a time column",
        ),
        (MINIMAL_FIELDS.replace('outcome = { value = "answered" }', ""), r"every record needs"),
        ("[[skip_when]]\nreason = 'x'\n" + MINIMAL_FIELDS, r"skip_when\[0\]: needs a when"),
        (
            "[[skip_when]]\nreason = 'x'\nwhen = { column = 'a', is = 'b' }\n" + MINIMAL_FIELDS,
            r"needs a column and exactly one of equals",
        ),
        ("[[skip_when]]\nwhen = { column = 'a', equals = 'b' }\n" + MINIMAL_FIELDS, r"a reason"),
    ],
)
def test_a_bad_mapping_is_a_mapping_error_that_says_what_is_wrong(text, message):
    with pytest.raises(MappingError, match=message):
        toml_mapping(text)


def test_yaml_values_that_are_not_text_must_be_quoted():
    data = yaml.safe_load(SAME_MAPPING_YAML.replace("{OK: answered}", "{yes: answered}"))

    with pytest.raises(MappingError, match="the key True is not text"):
        parse_mapping(data)


def test_a_mapping_file_must_be_toml_or_yaml(tmp_path):
    (tmp_path / "mapping.json").write_text("{}")
    (tmp_path / "broken.toml").write_text("format = \n")

    with pytest.raises(MappingError, match=r"must end in \.toml, \.yaml or \.yml"):
        load_mapping(tmp_path / "mapping.json")
    with pytest.raises(MappingError, match="not valid TOML"):
        load_mapping(tmp_path / "broken.toml")


def test_every_shipped_mapping_loads():
    shipped = sorted(p.name for p in MAPPINGS.iterdir() if p.suffix in (".toml", ".yaml"))

    assert {"anonymous-bank.toml", "nyc311-csv.toml", "nyc311-json.yaml"} <= set(shipped)
    for name in shipped:
        assert load_mapping(MAPPINGS / name).time_zone


# --- expressions ----------------------------------------------------------------------------------


def test_a_date_that_does_not_match_its_format_is_a_problem_and_the_stream_goes_on():
    mapping = toml_mapping(
        MINIMAL_FIELDS.replace(
            '{ column = "at" }', '{ datetime = "at", format = "%d/%m/%Y %H:%M" }'
        )
    )
    stream = io.StringIO("id,at\na,05/01/2026 09:30\nb,31/02/2026 09:30\nc,05/01/2026 09:32\n")

    records = list(read_records(stream, mapping))

    assert [r.row_number for r in records] == [2, 3, 4]
    assert records[1].problems == (
        ("offered_at", "at '31/02/2026 09:30' does not match the format %d/%m/%Y %H:%M"),
    )
    assert records[1].values is not None and records[1].values["offered_at"] == "31/02/2026 09:30"
    assert records[0].problems == records[2].problems == ()
    assert (
        records[2].values is not None and records[2].values["offered_at"] == "2026-01-05T09:32:00"
    )


def test_a_template_is_empty_when_a_column_it_names_is_empty_and_braces_can_be_doubled():
    mapping = toml_mapping(
        MINIMAL_FIELDS.replace('{ column = "id" }', '{ template = "{{{line}}}-{ id }" }')
    )
    stream = io.StringIO("line,id,at\nL1,7,x\n,8,x\n")

    first, second = (r.values for r in read_records(stream, mapping))

    assert first is not None and first["contact_id"] == "{L1}-7"
    assert second is not None and second["contact_id"] == ""


def test_first_of_takes_the_first_non_empty_choice_and_absent_values_read_as_empty():
    mapping = toml_mapping(
        MINIMAL_FIELDS
        + 'wait_seconds = { first_of = [{ column = "q" }, { column = "ring" }], '
        + 'absent = ["0:00"] }\n'
    )
    stream = io.StringIO("id,at,q,ring\na,x,12,3\nb,x,0:00,3\nc,x,,0:00\n")

    waits = [r.values["wait_seconds"] for r in read_records(stream, mapping) if r.values]

    assert waits == ["12", "3", ""]


def test_a_map_passes_unknown_values_through_unless_it_has_a_default():
    mapping = toml_mapping(
        MINIMAL_FIELDS.replace(
            'outcome = { value = "answered" }',
            'outcome = { column = "r", map = { A = "answered", "" = "abandoned" } }',
        )
        + 'csat = { column = "r", map = { A = "good" }, default = "" }\n'
    )
    stream = io.StringIO("id,at,r\na,x,A\nb,x,TRANSFER\nc,x,\n")

    values = [r.values for r in read_records(stream, mapping) if r.values]

    assert [(v["outcome"], v["csat"]) for v in values] == [
        ("answered", "good"),
        ("TRANSFER", ""),
        ("abandoned", ""),
    ]


def test_an_expression_is_empty_unless_its_conditions_hold():
    mapping = toml_mapping(
        MINIMAL_FIELDS
        + "handle_seconds = { column = 'talk', when = [{ column = 'r', in = ['A', 'B'] },"
        + " { column = 'agent', empty = false }] }\n"
    )
    stream = io.StringIO("id,at,r,agent,talk\na,x,A,ANN,60\nb,x,C,ANN,60\nc,x,B,,60\n")

    handles = [r.values["handle_seconds"] for r in read_records(stream, mapping) if r.values]

    assert handles == ["60", "", ""]


def test_seconds_between_two_times_of_day_may_cross_midnight():
    mapping = toml_mapping(
        MINIMAL_FIELDS
        + "wait_seconds = { seconds_between = ['start', 'end'], format = '%H:%M:%S' }\n"
    )
    stream = io.StringIO(
        "id,at,start,end\na,x,9:00:00,9:01:30\nb,x,23:59:50,0:00:05\nc,x,9:00,9:01\n"
    )

    records = list(read_records(stream, mapping))

    assert [r.values["wait_seconds"] for r in records if r.values] == ["90", "15", "9:00 9:01"]
    assert records[2].problems == (
        ("wait_seconds", "start '9:00' does not match the format %H:%M:%S"),
    )


def test_a_time_far_before_the_reference_time_is_on_the_next_day():
    mapping = toml_mapping(
        MINIMAL_FIELDS.replace(
            '{ column = "at" }',
            "{ date = 'day', date_format = '%y%m%d', time = 't', time_format = '%H:%M:%S', "
            "next_day_if_before = 'entered' }",
        )
    )
    stream = io.StringIO(
        "id,day,t,entered\n"
        "a,990210,0:00:02,23:59:56\n"  # crossed midnight
        "b,990210,9:47:17,9:48:14\n"  # a clock a minute out: same day
        "c,990228,23:59:59,23:59:58\n"
    )

    offered = [r.values["offered_at"] for r in read_records(stream, mapping) if r.values]

    assert offered == ["1999-02-11T00:00:02", "1999-02-10T09:47:17", "1999-02-28T23:59:59"]


def test_a_csv_lacking_a_column_the_mapping_reads_is_a_read_error():
    mapping = toml_mapping(MINIMAL_FIELDS)

    with pytest.raises(ReadError, match="lacks columns the mapping reads: at, id"):
        list(read_records(io.StringIO("ID,When\n1,2\n"), mapping))


# --- JSON arrays ----------------------------------------------------------------------------------

JSON_MAPPING = """
format = "json"
[fields]
contact_id = { column = "key" }
channel = { column = "channel" }
service = { value = "waste" }
offered_at = { datetime = "created", format = "%Y-%m-%dT%H:%M:%S.%f" }
outcome = { value = "deflected" }
retracted = { column = "test" }
wait_seconds = { column = "wait" }
wrap_code = { column = "tags" }
"""


def test_json_elements_are_rows_from_1_and_a_missing_key_reads_as_empty():
    text = (
        '[{"key": "1", "channel": "web_form", "created": "2024-05-26T23:10:10.000"},\n'
        ' {"key": "2", "created": "2024-05-26T23:11:00.500", "test": true, "wait": 12.5,'
        ' "tags": ["a"], "channel": null}]'
    )

    first, second = read_records(io.StringIO(text), toml_mapping(JSON_MAPPING))

    assert first == SourceRecord(
        1,
        {
            "contact_id": "1",
            "channel": "web_form",
            "service": "waste",
            "offered_at": "2024-05-26T23:10:10",
            "outcome": "deflected",
            "retracted": "",
            "wait_seconds": "",
            "wrap_code": "",
        },
    )
    assert second.row_number == 2
    assert second.values is not None
    assert (second.values["channel"], second.values["retracted"]) == ("", "true")
    assert (second.values["wait_seconds"], second.values["wrap_code"]) == ("12.5", '["a"]')
    assert second.values["offered_at"] == "2024-05-26T23:11:00.500000"


def test_json_elements_cut_across_chunks_are_read_whole(monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_SIZE", 7)
    elements = [
        f'{{"key": "{n}", "channel": "web_form", "created": "2024-05-26T23:10:1{n}.000"}}'
        for n in range(10)
    ]
    text = "  [ " + " ,\n".join(elements) + " ]  \n"

    records = list(read_records(io.StringIO(text), toml_mapping(JSON_MAPPING)))

    assert [(r.row_number, r.values and r.values["contact_id"]) for r in records] == [
        (n + 1, str(n)) for n in range(10)
    ]


def test_a_json_element_that_is_not_an_object_is_a_problem_of_its_row():
    text = '[{"key": "1", "created": "2024-05-26T23:10:10.000"}, 42, null]'

    records = list(read_records(io.StringIO(text), toml_mapping(JSON_MAPPING)))

    assert [(r.row_number, r.problems) for r in records] == [
        (1, ()),
        (2, ((WHOLE_ROW, "is a JSON number, not an object"),)),
        (3, ((WHOLE_ROW, "is a JSON null, not an object"),)),
    ]


def test_broken_json_is_a_read_error_after_the_good_elements():
    text = '[{"key": "1", "created": "2024-05-26T23:10:10.000"}, {"key": "2", oops}]'
    records = read_records(io.StringIO(text), toml_mapping(JSON_MAPPING))

    assert next(records).row_number == 1
    with pytest.raises(ReadError, match="element 2 of the JSON array is not valid JSON"):
        next(records)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ('{"key": "1"}', "not a JSON array"),
        ('[{"key": "1"}', "ends early"),
        ('[{"key": "1"} {"key": "2"}]', "expected ',' or ']'"),
        ('[{"key": "1"}] []', "more after the end"),
    ],
)
def test_a_file_that_is_not_one_json_array_is_a_read_error(text, message):
    with pytest.raises(ReadError, match=message):
        list(read_records(io.StringIO(text), toml_mapping(JSON_MAPPING)))


def test_an_empty_json_array_has_no_records():
    assert list(read_records(io.StringIO(" [ ] "), toml_mapping(JSON_MAPPING))) == []


# --- streaming ------------------------------------------------------------------------------------


class EndlessFile:
    """A binary file that never ends (a head, then one row over and over); counts what is read."""

    def __init__(self, head: bytes, row: bytes) -> None:
        self.rows = itertools.chain([head], itertools.repeat(row))
        self.pending = b""
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "asked to read the whole file"
        while len(self.pending) < size:
            self.pending += next(self.rows)
        out, self.pending = self.pending[:size], self.pending[size:]
        self.bytes_read += len(out)
        return out


def test_the_first_record_of_an_endless_csv_is_read_without_reading_the_file():
    endless = EndlessFile(f"{HEADER}\n".encode(), b"a1,phone,rents,2026-01-05T09:00:00,answered\n")

    first_three = list(itertools.islice(read_records(endless), 3))

    assert [r.row_number for r in first_three] == [2, 3, 4]
    assert endless.bytes_read <= reading.CHUNK_SIZE


def test_the_first_record_of_an_endless_json_array_is_read_without_reading_the_file():
    endless = EndlessFile(
        b'[{"key": "0", "created": "2024-05-26T23:10:10.000"}',
        b',\n{"key": "1", "channel": "web_form", "created": "2024-05-26T23:10:10.000"}',
    )

    first_three = list(itertools.islice(read_records(endless, toml_mapping(JSON_MAPPING)), 3))

    assert [r.row_number for r in first_three] == [1, 2, 3]
    assert endless.bytes_read <= reading.CHUNK_SIZE


# --- the shipped mappings -------------------------------------------------------------------------

BANK_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
    "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)


def test_the_bank_mapping_on_made_up_rows_of_every_kind():
    rows = [
        # queued and answered; an identified customer
        "AA0101\t1\t123\t2\tPS\t990201\t8:00:00\t8:00:06\t6\t8:00:06\t8:00:40\t34\tAGENT"
        "\t8:00:40\t8:02:40\t120\tDORIT",
        # answered straight from the VRU; no agent recorded
        "AA0101\t2\t0\t0\tNE\t990201\t8:10:00\t8:10:09\t9\t0:00:00\t0:00:00\t0\tAGENT"
        "\t8:10:09\t8:10:15\t6\tNO_SERVER",
        # hung up in the VRU: not a contact
        "AA0101\t3\t0\t0\tNW\t990201\t8:20:00\t8:20:20\t20\t0:00:00\t0:00:00\t0\tHANG"
        "\t0:00:00\t0:00:00\t0\tNO_SERVER",
        # queued and abandoned
        "AA0102\t1\t0\t0\tNW\t990201\t8:30:00\t8:30:10\t10\t8:30:10\t8:31:10\t60\tHANG"
        "\t0:00:00\t0:00:00\t0\tNO_SERVER",
        # a phantom returned call
        "AA0102\t2\t5\t2\tTT\t990201\t8:40:00\t8:40:05\t5\t8:40:05\t8:41:05\t60\tPHANTOM"
        "\t8:41:00\t8:41:09\t9\tNO_SERVER",
        # answered, but the service times were not recorded; a date that does not exist
        "AA0102\t3\t0\t0\tPE\t990231\t8:50:00\t8:50:05\t5\t8:50:05\t8:50:25\t20\tAGENT"
        "\t0:00:00\t0:00:00\t0\tSHARON",
    ]
    stream = io.StringIO("\r\n".join([BANK_HEADER, *rows]) + "\r\n")

    records = list(read_records(stream, load_mapping(MAPPINGS / "anonymous-bank.toml")))

    assert records[0] == SourceRecord(
        2,
        {
            "contact_id": "AA0101-1",
            "channel": "phone",
            "direction": "inbound",
            "retracted": "false",
            "wait_seconds": "34",
            "citizen_ref": "123",
            "agent_ref": "DORIT",
            "outcome": "answered",
            "service": "council-tax",
            "offered_at": "1999-02-01T08:00:06",
            "handle_seconds": "120",
        },
    )
    by_row = {r.row_number: r.values for r in records}
    assert by_row[3] is not None
    assert (by_row[3]["offered_at"], by_row[3]["wait_seconds"]) == ("1999-02-01T08:10:09", "0")
    assert (by_row[3]["outcome"], by_row[3]["agent_ref"]) == ("answered", "")
    assert (by_row[3]["service"], by_row[3]["citizen_ref"]) == ("business-rates", "")
    assert records[2] == SourceRecord(4, None, "hung up in the VRU before reaching the queue")
    assert by_row[5] is not None
    assert (by_row[5]["outcome"], by_row[5]["handle_seconds"]) == ("abandoned", "")
    assert by_row[6] is not None
    assert (by_row[6]["direction"], by_row[6]["retracted"]) == ("outbound", "true")
    assert by_row[7] is not None and by_row[7]["handle_seconds"] == ""
    assert records[5].problems == (
        ("offered_at", "date '990231' does not match the format %y%m%d"),
    )


def test_the_nyc311_mappings_read_the_portal_csv_and_the_api_json_alike():
    csv_mapping = load_mapping(MAPPINGS / "nyc311-csv.toml")
    json_mapping = load_mapping(MAPPINGS / "nyc311-json.yaml")

    from_csv = list(read_records(FIXTURES / "nyc311_portal_excerpt.csv", csv_mapping))
    from_json = list(read_records(FIXTURES / "nyc311_soda_excerpt.json", json_mapping))

    assert [r.row_number for r in from_csv] == [2, 3, 4, 5, 6]
    assert from_csv[0] == SourceRecord(
        2,
        {
            "contact_id": "nyc311-54049402",
            "case_ref": "54049402",
            "offered_at": "2022-05-01T00:00:03",
            "resolution": "handed_over",
            "wrap_code": "Noise - Residential",
            "source": "nyc311",
            "channel": "web_form",
            "outcome": "deflected",
            "service": "community-safety",
        },
    )
    phone = from_csv[2].values
    assert phone is not None
    assert (phone["source"], phone["channel"], phone["outcome"]) == ("desktop", "phone", "answered")
    assert (phone["service"], phone["offered_at"]) == ("parking-fines", "2022-05-01T00:00:39")
    assert from_csv[4].skipped == "no channel recorded (Open Data Channel Type UNKNOWN)"

    assert [r.row_number for r in from_json] == [1, 2, 3, 4]
    assert from_json[0].skipped == "no channel recorded (Open Data Channel Type UNKNOWN)"
    assert from_json[3] == SourceRecord(
        4,
        {
            "contact_id": "nyc311-61277317",
            "case_ref": "61277317",
            "offered_at": "2024-05-26T23:44:18",
            "resolution": "handed_over",
            "wrap_code": "PLUMBING",
            "source": "desktop",
            "channel": "phone",
            "outcome": "answered",
            "service": "environmental-health",
        },
    )
    assert from_json[2].values is not None
    assert from_json[2].values["service"] == "parking-fines"
    assert from_json[2].values["channel"] == "web_form"


# --- the real files in ../shared/data -------------------------------------------------------------


def test_the_anonymous_bank_february_file_maps_to_31403_contacts():
    needs(BANK_FILE)

    records = list(read_records(BANK_FILE, load_mapping(MAPPINGS / "anonymous-bank.toml")))
    contacts = [r.values for r in records if r.values is not None]

    assert len(records) == 33_344
    assert Counter(r.skipped for r in records if r.skipped) == {
        "hung up in the VRU before reaching the queue": 1_941
    }
    assert not [r for r in records if r.problems]
    assert len(contacts) == 31_403
    assert len({v["contact_id"] for v in contacts}) == 31_403
    assert Counter(v["outcome"] for v in contacts) == {"answered": 27_162, "abandoned": 4_241}
    assert Counter(v["retracted"] for v in contacts) == {"false": 31_125, "true": 278}
    assert Counter(v["direction"] for v in contacts) == {"inbound": 30_322, "outbound": 1_081}
    assert Counter(v["service"] for v in contacts) == {
        "council-tax": 21_696,
        "housing-needs": 6_999,
        "business-rates": 2_708,
    }
    assert sum(1 for v in contacts if v["citizen_ref"]) == 13_782
    assert sum(1 for v in contacts if v["agent_ref"]) == 26_671
    assert sum(1 for v in contacts if v["handle_seconds"]) == 27_112
    assert min(v["offered_at"] for v in contacts) == "1999-02-01T06:59:54"
    assert max(v["offered_at"] for v in contacts) == "1999-02-28T23:44:01"


def test_the_anonymous_bank_first_record_and_the_call_over_midnight_are_mapped_exactly():
    needs(BANK_FILE)
    mapping = load_mapping(MAPPINGS / "anonymous-bank.toml")

    records = list(itertools.islice(read_records(BANK_FILE, mapping), 15_756))

    assert records[0] == SourceRecord(
        2,
        {
            "contact_id": "AA0101-34536",
            "channel": "phone",
            "direction": "inbound",
            "retracted": "false",
            "wait_seconds": "0",
            "citizen_ref": "",
            "agent_ref": "DORIT",
            "outcome": "answered",
            "service": "council-tax",
            "offered_at": "1999-02-01T07:02:56",
            "handle_seconds": "166",
        },
    )
    # Entered the VRU at 23:59:56 on 10 February, queued at 0:00:02.
    over_midnight = records[-1]
    assert over_midnight.row_number == 15_757
    assert over_midnight.values is not None
    assert over_midnight.values["contact_id"] == "AA0115-14375"
    assert over_midnight.values["offered_at"] == "1999-02-11T00:00:02"


def test_the_nyc311_portal_csv_maps_to_920_contacts():
    needs(NYC_CSV)

    records = list(read_records(NYC_CSV, load_mapping(MAPPINGS / "nyc311-csv.toml")))
    contacts = [r.values for r in records if r.values is not None]

    assert len(records) == 924 and records[-1].row_number == 925
    assert Counter(r.skipped for r in records if r.skipped) == {
        "no channel recorded (Open Data Channel Type UNKNOWN)": 4
    }
    assert not [r for r in records if r.problems]
    assert Counter((v["channel"], v["outcome"], v["source"]) for v in contacts) == {
        ("web_form", "deflected", "nyc311"): 781,
        ("phone", "answered", "desktop"): 139,
    }
    assert Counter(v["service"] for v in contacts)["community-safety"] == 736
    assert "switchboard" not in {v["service"] for v in contacts}
    assert min(v["offered_at"] for v in contacts) == "2022-05-01T00:00:03"
    assert max(v["offered_at"] for v in contacts) == "2022-05-01T02:06:26"


def test_the_nyc311_api_json_maps_to_986_contacts():
    needs(NYC_JSON)

    records = list(read_records(NYC_JSON, load_mapping(MAPPINGS / "nyc311-json.yaml")))
    contacts = [r.values for r in records if r.values is not None]

    assert len(records) == 1_000 and [r.row_number for r in records[:2]] == [1, 2]
    assert Counter(r.skipped for r in records if r.skipped) == {
        "no channel recorded (Open Data Channel Type UNKNOWN)": 14
    }
    assert not [r for r in records if r.problems]
    assert Counter((v["channel"], v["outcome"], v["source"]) for v in contacts) == {
        ("web_form", "deflected", "nyc311"): 693,
        ("phone", "answered", "desktop"): 293,
    }
    # The first five are UNKNOWN (agency-raised street and park reports); the sixth is the first.
    assert [r.skipped is not None for r in records[:6]] == [True] * 5 + [False]
    assert records[5] == SourceRecord(
        6,
        {
            "contact_id": "nyc311-61279591",
            "case_ref": "61279591",
            "offered_at": "2024-05-27T00:51:15",
            "resolution": "handed_over",
            "wrap_code": "Noise - Residential",
            "source": "nyc311",
            "channel": "web_form",
            "outcome": "deflected",
            "service": "community-safety",
        },
    )
