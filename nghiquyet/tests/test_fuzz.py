"""No input, however malformed, makes a page or an API call answer with a server error.

Every URL pattern the resolver knows and every operation of the API schema is asked, by
users with rights on the objects, with bad values: ids past 64 bits, numbers past the
integer columns, negative numbers, NUL bytes, very long strings, odd Unicode, impossible
and extreme dates, wrong types, broken files and broken JSON. Any answer is fine (a page,
a redirect, 400, 403, 404, 405, 409, 413, 422) except a 5xx.

Pages are posted the fields of the forms that the pages themselves show, with the values
of their buttons and hidden keys, so that each branch of a view is reached. An officer
holding every role sweeps them: all fields bad at once (field i of example j gets
SWEEP[(i + j) % len(SWEEP)], so each field meets each value), then one field at a time
with the rest of the form valid, so that a value a form lets through reaches the service
and the database. The superuser and a member get mixtures that Hypothesis draws from
offered and bad values. API calls are swept one parameter or property at a time from a
valid body built from the schema, then drawn, for all three users.

Each request runs in a savepoint that is rolled back, so every endpoint meets the same
world and a run repeats exactly.
"""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken, Role, RoleGrant, User
from accounts.tests.test_every_url_is_scoped import _objects_of, _patterns, _url
from campaigns.models import Campaign
from conferences.services import tally_rebuild
from nghiquyet.api import api
from programmes.services import task_tally_rebuild
from reports.services import report_tally_rebuild

PAST_64_BITS = str(2**64)
LONG_ODD = "\u202e🙂e\u0301\ufeff" * 1000  # long; right-to-left, emoji, combining, BOM
SWEEP = [
    str(2**63),  # just past a bigint
    str(2**31),  # past an integer column
    "32768",  # past a small integer column
    "-1",
    "a\x00b",
    LONG_ODD,
    "30/02/2026",
]
QUERY_SWEEP = [str(2**63), "a\x00b", LONG_ODD[:1000]]
# One field at a time, by the kind of input: what a form may let through to the database.
TYPED_SWEEP = {
    "number": [str(2**31), "32768", "-1"],
    "date": ["31/12/9999", "01/01/0001"],
    "datetime": ["31/12/9999 23:59", "01/01/0001 00:00"],
    "text": [LONG_ODD],
    "textarea": [LONG_ODD],
}
ODD_TEXT = [
    "",
    "1" + "0" * 20,
    "\x00",
    "Đ" * 70000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "1e400",
    "NaN",
    "１２",
    "2026-02-30",
    "99999-12-31",
]
bad_text = st.one_of(
    st.sampled_from(SWEEP + ODD_TEXT),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
)
bad_value = st.one_of(bad_text, st.lists(bad_text, min_size=2, max_size=3))

FILES = [
    ("a.txt", b"\x00" * 64),
    ("a.txt", "Nghị quyết số 23-NQ/TU".encode("utf-16")),
    ("a.docx", b"PK\x03\x04" + b"\x00" * 40),
    ("a.pdf", b"%PDF-1.4\n" + b"\xff" * 40),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    ("a\x00.csv", "Họ và tên,Số thẻ\nA\x00,1\n".encode()),
    ("x" * 300 + ".xlsx", b""),
]


def _file(index: int) -> SimpleUploadedFile:
    name, content = FILES[index % len(FILES)]
    return SimpleUploadedFile(name, content)


bad_file = st.integers(min_value=0, max_value=len(FILES) - 1).map(_file)

# The names pages read from request.GET, beside those of the GET forms they show.
QUERY_NAMES = {
    "q",
    "unit",
    "document",
    "page",
    "state",
    "kind",
    "status",
    "show",
    "rows",
    "sort",
    "flagged",
    "bucket",
    "closed",
    "symbol_raw",
    "t",
}


class _Field:
    def __init__(self, kind: str, initial: str = "", placeholder: str = ""):
        self.kind, self.initial, self.placeholder = kind, initial, placeholder
        self.offered: list[str] = []


# Posted where a route shows no form of its own.
GENERIC_FORM = {name: _Field("text") for name in ("id", "unit", "name", "text")}

DRAWN = settings(
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SWEPT = settings(DRAWN, phases=[Phase.explicit])


def _send(client, method, url, **kwargs):
    """One request, undone afterwards. A view's exception surfaces here (the test client
    re-raises it), so a failure names its cause."""
    with transaction.atomic():
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    if response.streaming:
        response.getvalue()  # the client closes the file once it is read
    assert response.status_code < 500, f"{method.upper()} {url} answered {response.status_code}"
    return response


def _latin(names, j: int, sweep: list) -> dict:
    """Example j of a sweep in which every name meets every value once."""
    return {name: sweep[(i + j) % len(sweep)] for i, name in enumerate(sorted(names))}


@pytest.fixture
def values(world):
    """URL keyword → an object of the city. They are made without the services, so the
    counters are rebuilt: the world is then one the services could have left."""
    values = _objects_of(world, "hanam")
    task_tally_rebuild()
    tally_rebuild()
    report_tally_rebuild(Campaign.objects.get(pk=values["campaign_pk"]))
    return values


@pytest.fixture
def user(request, world):
    if request.param == "member":
        return world.member_user
    if request.param == "admin":
        return world.admin
    officer = User.objects.create_user("canbo", password="pw")
    for role in Role:
        RoleGrant.objects.create(user=officer, organization=world.city, role=role)
    return officer


# --- Pages -----------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: target (hx-post or action), method, and fields with their
    kind, initial value and the values their options offer. Buttons and hidden inputs are
    keys: kept while sweeping, so that the view takes the branch they name."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if tag == "form":
            method = "post" if "hx-post" in attrs else (attrs.get("method") or "get").lower()
            target = attrs.get("hx-post") or attrs.get("action") or ""
            self._form = {"target": target, "method": method, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select and attrs.get("value"):
            field = self._form["fields"][self._select]
            field.offered.append(attrs["value"])
            if "selected" in attrs:
                field.initial = attrs["value"]
        elif not name:
            return
        elif tag == "button" or kind in ("submit", "hidden"):
            self._offer(name, "key", attrs.get("value", ""))
        elif tag in ("select", "textarea"):
            self._form["fields"].setdefault(name, _Field(tag))
            self._select = name if tag == "select" else None
            self._textarea = name if tag == "textarea" else None
        elif kind in ("checkbox", "radio"):
            self._offer(name, "select", attrs.get("value", "on"))
        else:
            field = _Field(kind, attrs.get("value", ""), attrs.get("placeholder", ""))
            self._form["fields"].setdefault(name, field)

    def _offer(self, name, kind, value):
        self._form["fields"].setdefault(name, _Field(kind)).offered.append(value)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea].initial += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _input_kind(name: str, field: _Field) -> str:
    if field.kind in ("text", "search", "email", "url", "tel"):
        if name.endswith("_at"):
            return "datetime"
        dated = re.search(r"_on$|date|deadline|_from$|_to$|due$|^on$|birth", name)
        return "date" if dated or "dd/mm" in field.placeholder else "text"
    return field.kind


def _valid(name: str, field: _Field):
    """A value the form would accept, or near enough: the initial one, the first offered,
    a date where one is asked for (a birthday long past, a deadline ahead, other days just
    past), some words otherwise."""
    if field.initial.strip():
        return field.initial
    if field.offered or field.kind == "select":
        return field.offered[0] if field.offered else ""
    today = dt.date.today()
    days = {"date": -30, "datetime": 30}.get(_input_kind(name, field))
    if re.search(r"deadline|due|^new_", name):
        days = 30
    if days is not None:
        day = dt.date(1985, 5, 17) if "birth" in name else today + dt.timedelta(days=days)
        return day.strftime("%d/%m/%Y %H:%M" if name.endswith("_at") else "%d/%m/%Y")
    return {"file": None, "number": "1"}.get(field.kind, "Nội dung hợp lệ")


def _route_of(path: str):
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def _pages(values):
    """(route, url) of every page pattern, with the objects filled in."""
    for name, route, _entry in _patterns():
        if route.startswith("api/") or name == "accounts:logout":
            continue  # the API is fuzzed from its schema; logging out would end the run
        yield route, _url(route, values)


def _page_forms(client, pages):
    """route → the forms that post there (one per set of field names: the language switch
    is on every page), the names of the GET forms, and the routes the user may open, read
    from every page as the user sees it."""
    posted, queried, opened = {}, set(), set()
    for route, url in pages:
        response = _send(client, "get", url)
        if response.status_code < 400:
            opened.add(route)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form["method"] == "get":
                queried |= form["fields"].keys()
            elif route := _route_of(form["target"] or url):
                posted.setdefault(route, {}).setdefault(tuple(sorted(form["fields"])), form)
    forms = {route: list(forms.values()) for route, forms in posted.items()}
    return forms, queried, opened | forms.keys()


def _form_data(fields: dict):
    def value(field: _Field):
        if field.kind == "file":
            return bad_file
        offered = st.sampled_from(field.offered) if field.offered else st.nothing()
        return st.one_of(offered, bad_value)

    return st.fixed_dictionaries({name: value(field) for name, field in fields.items()})


def _form_sweeps(fields: dict) -> list[dict]:
    """All fields bad at once, then one typed field at a time in an otherwise valid form."""
    keys = {name: f.offered for name, f in fields.items() if f.kind == "key"}
    files = [name for name, f in fields.items() if f.kind == "file"]
    free = [name for name in fields if name not in keys and name not in files]
    sweeps = []
    for j in range(len(SWEEP)):
        data = _latin(free, j, SWEEP) | {
            name: offered[j % len(offered)] for name, offered in keys.items()
        }
        sweeps.append(data | {name: _file(j) for name in files})
    base = {name: value for name, f in fields.items() if (value := _valid(name, f)) is not None}
    for name, field in sorted(fields.items()):
        sweeps += [base | {name: value} for value in TYPED_SWEEP.get(_input_kind(name, field), [])]
    return sweeps


def _fuzz_page(client, url, forms, query_names, sweep: bool):
    def get(query):
        _send(client, "get", f"{url}?{urlencode(query, doseq=True)}")

    def post(data):
        _send(client, "post", url, data=data)

    check = given(query=st.dictionaries(st.sampled_from(sorted(query_names)), bad_value))(get)
    for j in range(len(QUERY_SWEEP) if sweep else 0):
        check = example(query=_latin(query_names, j, QUERY_SWEEP))(check)
    (SWEPT if sweep else DRAWN)(check)()

    for fields in forms:
        check = given(data=_form_data(fields))(post)
        if fields is GENERIC_FORM:
            DRAWN(check)()
            continue
        for data in _form_sweeps(fields) if sweep else ():
            check = example(data=data)(check)
        (SWEPT if sweep else DRAWN)(check)()


@pytest.mark.parametrize(
    ("user", "sweep"), [("officer", True), ("admin", False), ("member", False)], indirect=["user"]
)
def test_no_page_answers_a_server_error_to_malformed_input(client, values, user, sweep):
    client.force_login(user)
    pages = list(_pages(values))
    posted, queried, opened = _page_forms(client, pages)
    for route, url in pages:
        if not sweep and route not in opened:
            continue  # refused before any input is read; the officer asks those anyway
        forms = [form["fields"] for form in posted.get(route, [])] or [GENERIC_FORM]
        _fuzz_page(client, url, forms, QUERY_NAMES | queried, sweep)
        for keyword in re.findall(r"<int:(\w+)>", route) if sweep else ():
            overflowed = _url(route, {**values, keyword: PAST_64_BITS})
            _send(client, "get", overflowed)
            _send(client, "post", overflowed)


# --- The API ---------------------------------------------------------------------------

SCHEMA = api.get_openapi_schema()

API_SWEEP = {
    "integer": [10**20, 2**63, 2**31, 32768, -1, "1", None, 1.5e308, True],
    "string": ["a\x00b", "x" * 70000, "1" * 300, "", "\u202e🙂e\u0301", 12, None, []],
    "date": ["2026-02-30", "9999-12-31", "0001-01-01", "30/02/2026", 20260101, None],
    "array": [["x" * 70000] * 3, ["a\x00b"], [], [None, 1], ["x"] * 10000, "x", None],
}
bad_json = {
    "integer": st.one_of(st.sampled_from(API_SWEEP["integer"]), st.integers()),
    "date": st.sampled_from(API_SWEEP["date"] + ODD_TEXT),
    "array": st.sampled_from(API_SWEEP["array"]),
    "string": st.one_of(
        st.sampled_from(API_SWEEP["string"] + ODD_TEXT),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    ),
}
wrong_type = st.sampled_from([None, True, 1.5e308, [], {}, [1, "a"], {"a": None}, "x" * 300])
BROKEN_JSON = [b"{", b"\xff\xfe", b'{"a": "\\u0000"}', b"[" * 5000, b"[]", b"null", b"1e999"]


def _resolved(schema):
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _options(schema) -> list[dict]:
    schema = _resolved(schema)
    return (
        [o for option in schema["anyOf"] for o in _options(option)]
        if "anyOf" in schema
        else [schema]
    )


def _json_kind(schema) -> str:
    """integer, date, array or string: which values a property meets."""
    options = _options(schema)
    kinds = {option.get("type") for option in options} | {
        option.get("format") for option in options
    }
    return next((k for k in ("integer", "number", "date", "array") if k in kinds), "string")


def _valid_json(name: str, schema, values: dict):
    """A value that passes the schema: the default, the first choice, a real id."""
    options = _options(schema)
    for option in options:
        if "enum" in option:
            return option["enum"][0]
    if "default" in _resolved(schema):
        return _resolved(schema)["default"]
    kind = _json_kind(schema).replace("number", "integer")
    if kind == "integer":
        return values.get(name.removesuffix("_id") + "_pk", 1)
    return {"date": "2026-03-01", "array": ["Một", "Hai"]}.get(kind, "Nội dung hợp lệ")


def _operations():
    """(method, path, parameters, body properties or None) of every API operation."""
    for path, methods in SCHEMA["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            properties = _resolved(body["schema"]).get("properties", {}) if body else None
            yield method, path, operation.get("parameters", []), properties


def _fill(path: str, values: dict) -> str:
    return re.sub(r"{(\w+)}", lambda match: str(values[match.group(1)]), path)


def _fuzz_operation(client, auth, method, url, params, properties, values):
    def sweep_of(schema):
        return API_SWEEP[_json_kind(schema).replace("number", "integer")]

    query = {p["name"]: p["schema"] for p in params if p["in"] == "query"}
    headers = [p["name"] for p in params if p["in"] == "header"]

    @DRAWN
    @given(
        query=st.fixed_dictionaries({}, optional=dict.fromkeys(query, bad_text)),
        header=st.fixed_dictionaries({}, optional=dict.fromkeys(headers, bad_json["string"])),
        payload=st.none()
        if properties is None
        else st.one_of(
            st.fixed_dictionaries(
                {
                    name: st.one_of(bad_json[_json_kind(s)], wrong_type)
                    for name, s in properties.items()
                }
            ),
            st.sampled_from([[], "x", None, 10**20]),
        ),
    )
    def call(query, header, payload):
        extra = {f"HTTP_{name.upper().replace('-', '_')}": str(v) for name, v in header.items()}
        target = f"{url}?{urlencode(query)}" if query else url
        if properties is None:
            _send(client, method, target, **auth, **extra)
        else:
            body = json.dumps(payload)
            _send(
                client, method, target, data=body, content_type="application/json", **auth, **extra
            )

    base = {name: _valid_json(name, s, values) for name, s in (properties or {}).items()}
    payload = base if properties is not None else None
    for name, schema in query.items():
        for value in sweep_of(schema):
            call = example(query={name: value}, header={}, payload=payload)(call)
    for name in headers:
        for value in API_SWEEP["string"]:
            call = example(query={}, header={name: value}, payload=payload)(call)
    for name, schema in (properties or {}).items():
        for value in sweep_of(schema):
            call = example(query={}, header={}, payload=base | {name: value})(call)
    call()
    for raw in BROKEN_JSON if properties is not None else ():
        _send(client, method, url, data=raw, content_type="application/json", **auth)


@pytest.mark.parametrize("user", ["officer", "admin", "member"], indirect=True)
def test_no_api_call_answers_a_server_error_to_malformed_input(client, values, user):
    _token, raw = ApiToken.issue(user, "fuzz")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    operations = list(_operations())
    assert len(operations) >= 15
    for method, path, params, properties in operations:
        _fuzz_operation(client, auth, method, _fill(path, values), params, properties, values)
        for keyword in re.findall(r"{(\w+)}", path):
            _send(client, method, _fill(path, {**values, keyword: PAST_64_BITS}), **auth)
