"""Zaken API 1.5.1: finding zaken.  GET /zaken (every filter of the OAS that concerns the zaak, ordering,
unknown parameters, pagination) and POST /zaken/_zoek (the same filters in the JSON body, and
`zaakgeometrie.within` with GeoJSON (Multi)Polygons: inside, outside, on the boundary, holes).

Every test looks at one data set of its own bronorganisatie (a random RSIN), so the zaken other tests of
the module create never show up.  The expected sets are fixed in this file and the same for both
engines: the geo search must give PostGIS ST_Within semantics on SQLite too (a geometry that only touches
the search area's boundary is not within it).
"""

from __future__ import annotations

import json
import uuid as uuidlib
from urllib.parse import parse_qs, urlsplit

import pytest

import contract
from zgw import assert_problem, assert_status
from zaken_support import BRONORGANISATIE, Setup, Zrc, rol_payload, rsin, status_payload, zaak_payload


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def payload(zaaktype: str, **over) -> dict:
    """A valid zaak body.  With an opdrachtgevendeOrganisatie: without one the server answers "" there,
    which the OAS does not allow (see test_zaken.py) and the contract check of every list would fail."""
    body = zaak_payload(zaaktype)
    body["opdrachtgevendeOrganisatie"] = BRONORGANISATIE
    body.update(over)
    return body


def rect(minx, miny, maxx, maxy):
    """The outer ring of an axis-parallel rectangle (counter-clockwise, closed)."""
    return [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]


def point(x, y):
    return {"type": "Point", "coordinates": [x, y]}


class Data:
    """Named zaken of one bronorganisatie: `names(results)` maps result URLs back to their names."""

    def __init__(self, org: str):
        self.org = org
        self.zaken: dict[str, dict] = {}

    def add(self, name: str, zaak: dict):
        self.zaken[name] = zaak

    def url(self, name: str) -> str:
        return self.zaken[name]["url"]

    def names(self, results) -> list[str]:
        by_url = {z["url"]: n for n, z in self.zaken.items()}
        return [by_url.get(r["url"], "<other:" + r["url"] + ">") for r in results]


class _WithoutGeometry:
    """A response whose zaken have `zaakgeometrie` null, for the contract check.  The OAS GeoJSONGeometry is
    a oneOf with a discriminator (`type`) that contract.py does not evaluate: a Polygon also matches
    MultiLineString (and a LineString MultiPoint), so every valid Polygon fails `oneOf`.  The rest of the
    response is still checked; the geometries themselves are compared with what was sent."""

    def __init__(self, resp):
        data = resp.json()
        for zaak in data.get("results", [data]) if isinstance(data, dict) else []:
            if isinstance(zaak, dict) and "zaakgeometrie" in zaak:
                zaak["zaakgeometrie"] = None
        self.request, self.status_code, self.headers = resp.request, resp.status_code, resp.headers
        self.content = json.dumps(data).encode()
        self._data = data

    def json(self):
        return self._data


def checked(resp):
    """Runs the contract check on `resp` except its geometries (see _WithoutGeometry); returns `resp`."""
    contract.check_response(_WithoutGeometry(resp))
    return resp


def listed(zrc: Zrc, params: dict) -> list:
    """All results of GET /zaken with `params` (following `next`)."""
    out = []
    resp = zrc.get("/zaken", params=params)
    while True:
        assert_status(resp, 200)
        body = resp.json()
        out.extend(body["results"])
        if not body.get("next"):
            return out
        resp = zrc.get(body["next"])


def searched(zrc: Zrc, body: dict, params=None) -> list:
    """All results of POST /zaken/_zoek with `body` (following the pages).  Contract-checked except the
    geometries (see _WithoutGeometry)."""
    out = []
    page = 1
    while True:
        resp = zrc.post("/zaken/_zoek", body, params={**(params or {}), "page": page}, check=False)
        assert_status(resp, 200)
        checked(resp)
        data = resp.json()
        out.extend(data["results"])
        if not data.get("next"):
            return out
        page += 1


@pytest.fixture(scope="module")
def zrc(admin) -> Zrc:
    return Zrc(admin)


# ------------------------------------------------------------------------------------------------
# the main data set: four zaken a..d of bronorganisatie `org` (two zaaktypen), one zaak e of `org2`
#
#  name zaaktype identificatie  start      registratie einddatumGepland uiterlijke  publicatie vertrouwelijkheid
#  a    t1       <p>-ALPHA      2024-01-10 2024-01-11  2024-06-01       2024-07-01  2024-03-01 openbaar
#  b    t1       <p>-BETA       2024-02-10 2024-02-11  2024-06-15       2024-08-01  2024-01-01 intern
#  c    t2       <p>-GAMMA      2024-03-10 2024-03-11  -                -           2024-04-01 geheim
#  d    t2       <p>-ALPHA2     2024-03-10 2024-04-01  2024-12-31       -           2024-02-01 zeer_geheim
#
#  name archiefnominatie archiefstatus      archiefactiedatum kenmerken (bron:kenmerk)  omschrijving
#  a    vernietigen      nog_te_archiveren  2030-01-01        sysA:K1                   Aanvraag Parkeervergunning
#  b    blijvend_bewaren gearchiveerd       2035-01-01        sysA:K2, sysB:K1          Bezwaar
#  c    -                nog_te_archiveren  -                 -                         Melding openbare ruimte
#  d    vernietigen      overgedragen       2028-05-05        -                         PARKEREN
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def types(admin):
    t1 = Setup(admin)
    t2 = Setup(admin, catalogus=t1.catalogus)
    return t1, t2


@pytest.fixture(scope="module")
def data(zrc, types):
    t1, t2 = types
    d = Data(rsin())
    d.org2 = rsin()
    d.t1, d.t2 = t1.zaaktype, t2.zaaktype
    d.prefix = "ZK" + uuidlib.uuid4().hex[:6].upper()
    rows = {
        "a": dict(zaaktype=d.t1, identificatie=f"{d.prefix}-ALPHA", startdatum="2024-01-10",
                  registratiedatum="2024-01-11", einddatumGepland="2024-06-01",
                  uiterlijkeEinddatumAfdoening="2024-07-01", publicatiedatum="2024-03-01",
                  vertrouwelijkheidaanduiding="openbaar", archiefnominatie="vernietigen",
                  archiefactiedatum="2030-01-01", kenmerken=[{"bron": "sysA", "kenmerk": "K1"}],
                  omschrijving="Aanvraag Parkeervergunning"),
        "b": dict(zaaktype=d.t1, identificatie=f"{d.prefix}-BETA", startdatum="2024-02-10",
                  registratiedatum="2024-02-11", einddatumGepland="2024-06-15",
                  uiterlijkeEinddatumAfdoening="2024-08-01", publicatiedatum="2024-01-01",
                  vertrouwelijkheidaanduiding="intern", archiefnominatie="blijvend_bewaren",
                  archiefstatus="gearchiveerd", archiefactiedatum="2035-01-01",
                  kenmerken=[{"bron": "sysA", "kenmerk": "K2"}, {"bron": "sysB", "kenmerk": "K1"}],
                  omschrijving="Bezwaar"),
        "c": dict(zaaktype=d.t2, identificatie=f"{d.prefix}-GAMMA", startdatum="2024-03-10",
                  registratiedatum="2024-03-11", publicatiedatum="2024-04-01", vertrouwelijkheidaanduiding="geheim",
                  omschrijving="Melding openbare ruimte"),
        "d": dict(zaaktype=d.t2, identificatie=f"{d.prefix}-ALPHA2", startdatum="2024-03-10",
                  registratiedatum="2024-04-01", einddatumGepland="2024-12-31", publicatiedatum="2024-02-01",
                  vertrouwelijkheidaanduiding="zeer_geheim", archiefnominatie="vernietigen",
                  archiefstatus="overgedragen", archiefactiedatum="2028-05-05", omschrijving="PARKEERBEHEER"),
    }
    for name, row in rows.items():
        d.add(name, zrc.create("/zaken", payload(bronorganisatie=d.org, **row)))
    d.add("e", zrc.create("/zaken", payload(d.t1, bronorganisatie=d.org2, startdatum="2024-01-10")))
    return d


# GET /zaken: (id, params (callable of the data set), expected names as a set)
FILTERS = [
    ("identificatie", lambda d: {"identificatie": f"{d.prefix}-ALPHA"}, {"a"}),
    ("identificatie-none", lambda d: {"identificatie": f"{d.prefix}-alpha"}, set()),
    ("identificatie__icontains", lambda d: {"identificatie__icontains": d.prefix.lower() + "-alpha"}, {"a", "d"}),
    ("bronorganisatie", lambda d: {}, {"a", "b", "c", "d"}),
    ("zaaktype", lambda d: {"zaaktype": d.t2}, {"c", "d"}),
    ("archiefnominatie", lambda d: {"archiefnominatie": "vernietigen"}, {"a", "d"}),
    ("archiefnominatie__in", lambda d: {"archiefnominatie__in": "vernietigen,blijvend_bewaren"}, {"a", "b", "d"}),
    ("archiefstatus", lambda d: {"archiefstatus": "nog_te_archiveren"}, {"a", "c"}),
    ("archiefstatus__in", lambda d: {"archiefstatus__in": "gearchiveerd,overgedragen"}, {"b", "d"}),
    ("archiefactiedatum", lambda d: {"archiefactiedatum": "2030-01-01"}, {"a"}),
    ("archiefactiedatum__lt", lambda d: {"archiefactiedatum__lt": "2031-01-01"}, {"a", "d"}),
    ("archiefactiedatum__gt", lambda d: {"archiefactiedatum__gt": "2030-01-01"}, {"b"}),
    ("archiefactiedatum__isnull-true", lambda d: {"archiefactiedatum__isnull": "true"}, {"c"}),
    ("archiefactiedatum__isnull-false", lambda d: {"archiefactiedatum__isnull": "false"}, {"a", "b", "d"}),
    ("startdatum", lambda d: {"startdatum": "2024-03-10"}, {"c", "d"}),
    ("startdatum__gt", lambda d: {"startdatum__gt": "2024-02-10"}, {"c", "d"}),
    ("startdatum__gte", lambda d: {"startdatum__gte": "2024-02-10"}, {"b", "c", "d"}),
    ("startdatum__lt", lambda d: {"startdatum__lt": "2024-02-10"}, {"a"}),
    ("startdatum__lte", lambda d: {"startdatum__lte": "2024-02-10"}, {"a", "b"}),
    ("startdatum-range", lambda d: {"startdatum__gt": "2024-01-10", "startdatum__lt": "2024-03-10"}, {"b"}),
    ("registratiedatum", lambda d: {"registratiedatum": "2024-02-11"}, {"b"}),
    ("registratiedatum__gt", lambda d: {"registratiedatum__gt": "2024-02-11"}, {"c", "d"}),
    ("registratiedatum__lt", lambda d: {"registratiedatum__lt": "2024-03-11"}, {"a", "b"}),
    ("einddatumGepland", lambda d: {"einddatumGepland": "2024-06-15"}, {"b"}),
    ("einddatumGepland__gt", lambda d: {"einddatumGepland__gt": "2024-06-01"}, {"b", "d"}),
    ("einddatumGepland__lt", lambda d: {"einddatumGepland__lt": "2024-06-15"}, {"a"}),
    ("uiterlijkeEinddatumAfdoening", lambda d: {"uiterlijkeEinddatumAfdoening": "2024-07-01"}, {"a"}),
    ("uiterlijkeEinddatumAfdoening__gt", lambda d: {"uiterlijkeEinddatumAfdoening__gt": "2024-07-01"}, {"b"}),
    ("uiterlijkeEinddatumAfdoening__lt", lambda d: {"uiterlijkeEinddatumAfdoening__lt": "2024-08-01"}, {"a"}),
    ("maxvertrouwelijk-openbaar", lambda d: {"maximaleVertrouwelijkheidaanduiding": "openbaar"}, {"a"}),
    ("maxvertrouwelijk-intern", lambda d: {"maximaleVertrouwelijkheidaanduiding": "intern"}, {"a", "b"}),
    ("maxvertrouwelijk-geheim", lambda d: {"maximaleVertrouwelijkheidaanduiding": "geheim"}, {"a", "b", "c"}),
    ("maxvertrouwelijk-zeer_geheim", lambda d: {"maximaleVertrouwelijkheidaanduiding": "zeer_geheim"},
     {"a", "b", "c", "d"}),
    ("kenmerk", lambda d: {"kenmerk": "sysA:K1"}, {"a"}),
    ("kenmerk-other-bron", lambda d: {"kenmerk": "sysB:K1"}, {"b"}),
    ("kenmerk-none", lambda d: {"kenmerk": "sysB:K2"}, set()),
    ("kenmerk__bron", lambda d: {"kenmerk__bron": "sysA"}, {"a", "b"}),
    # omschrijving: "bevat de omschrijving de gegeven waarden (hoofdletterongevoelig)"
    ("omschrijving-icontains", lambda d: {"omschrijving": "parkeer"}, {"a", "d"}),
    ("combined", lambda d: {"zaaktype": d.t1, "archiefnominatie": "vernietigen", "startdatum__lte": "2024-01-10"},
     {"a"}),
]


@pytest.mark.parametrize("params,expected", [c[1:] for c in FILTERS], ids=[c[0] for c in FILTERS])
def test_list_filter(zrc, data, params, expected):
    results = listed(zrc, {"bronorganisatie": data.org, **params(data)})
    assert sorted(data.names(results)) == sorted(expected)


def test_list_filter_bronorganisatie_in(zrc, data):
    both = listed(zrc, {"bronorganisatie__in": f"{data.org},{data.org2}"})
    assert sorted(data.names(both)) == ["a", "b", "c", "d", "e"]
    assert data.names(listed(zrc, {"bronorganisatie__in": data.org2})) == ["e"]


def test_list_filter_zaaktype_omschrijving(admin, zrc, data):
    """zaaktype__omschrijving (EXPERIMENTEEL, in the OAS): zaken whose zaaktype's omschrijving contains the
    value, case-insensitively."""
    omschrijving = admin.get(data.t2).json()["omschrijving"]
    results = listed(zrc, {"bronorganisatie": data.org, "zaaktype__omschrijving": omschrijving.upper()})
    assert sorted(data.names(results)) == ["c", "d"]


ORDERINGS = [
    ("identificatie", {"ordering": "identificatie"}, ["a", "d", "b", "c"]),
    ("-identificatie", {"ordering": "-identificatie"}, ["c", "b", "d", "a"]),
    ("startdatum,identificatie", {"ordering": "startdatum,identificatie"}, ["a", "b", "d", "c"]),
    ("-startdatum,identificatie", {"ordering": "-startdatum,identificatie"}, ["d", "c", "b", "a"]),
    ("-startdatum,-identificatie", {"ordering": "-startdatum,-identificatie"}, ["c", "d", "b", "a"]),
    ("registratiedatum", {"ordering": "registratiedatum"}, ["a", "b", "c", "d"]),
    ("-registratiedatum", {"ordering": "-registratiedatum"}, ["d", "c", "b", "a"]),
    ("publicatiedatum", {"ordering": "publicatiedatum"}, ["b", "d", "a", "c"]),
    ("-publicatiedatum", {"ordering": "-publicatiedatum"}, ["c", "a", "d", "b"]),
    ("archiefactiedatum", {"ordering": "archiefactiedatum", "archiefactiedatum__isnull": "false"}, ["d", "a", "b"]),
]


@pytest.mark.parametrize("params,expected", [c[1:] for c in ORDERINGS], ids=[c[0] for c in ORDERINGS])
def test_list_ordering(zrc, data, params, expected):
    assert data.names(listed(zrc, {"bronorganisatie": data.org, **params})) == expected


def test_list_ordering_holds_across_pages(zrc, data):
    results = listed(zrc, {"bronorganisatie": data.org, "ordering": "-identificatie", "pageSize": 1})
    assert data.names(results) == ["c", "b", "d", "a"]


def test_list_unknown_ordering_is_400(zrc, data):
    assert_problem(zrc.get("/zaken", params={"ordering": "omschrijving"}), 400, field="ordering")


def test_list_unknown_parameter_is_400(zrc):
    assert_problem(zrc.get("/zaken", params={"bestaatNiet": "1"}), 400, code="unknown-parameters")


@pytest.mark.parametrize("name", ["registratiedatum__gte", "einddatumGepland__isnull", "archiefactiedatum__gte",
                                  "uiterlijkeEinddatumAfdoening__lte", "identificatie__in"])
def test_list_parameter_not_in_oas_is_400(zrc, name):
    """Only the query parameters of the OAS exist; lookups it does not list are unknown parameters."""
    value = "true" if name.endswith("isnull") else "2024-01-01"
    assert_problem(zrc.get("/zaken", params={name: value}), 400, code="unknown-parameters")


@pytest.mark.parametrize("name,value", [
    ("startdatum__gt", "gisteren"),
    ("registratiedatum", "2024-02-30"),
    ("einddatum__lt", "01-01-2024"),
    ("archiefstatus", "weg"),
    ("archiefnominatie", "bewaren"),
    ("maximaleVertrouwelijkheidaanduiding", "supergeheim"),
])
def test_list_invalid_filter_value_is_400(zrc, name, value):
    assert_problem(zrc.get("/zaken", params={name: value}), 400, field=name)


# ------------------------------------------------------------------------------------------------
# einddatum and the filters on the zaak's status, resultaat and rollen (a closed data set of its own)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def closed(zrc, types):
    """closed1 (einddatum 2024-05-05, rol with `bsn`), closed2 (einddatum 2024-06-06), open (first status)."""
    t1 = types[0]
    d = Data(rsin())
    d.setup = t1
    d.bsn = "111222333"
    for name, eind in (("closed1", "2024-05-05"), ("closed2", "2024-06-06")):
        z = zrc.create("/zaken", payload(t1.zaaktype, bronorganisatie=d.org, startdatum="2024-01-01"))
        zrc.create("/resultaten", {"zaak": z["url"], "resultaattype": t1.resultaattype})
        zrc.create("/statussen", status_payload(z["url"], t1.statustype_eind, datumStatusGezet=f"{eind}T10:00:00Z"))
        d.add(name, zrc.get(z["url"]).json())
    z = zrc.create("/zaken", payload(t1.zaaktype, bronorganisatie=d.org, startdatum="2024-01-01"))
    zrc.create("/statussen", status_payload(z["url"], t1.statustype_1))
    d.add("open", zrc.get(z["url"]).json())
    rol = rol_payload(d.url("closed1"), t1.roltype, betrokkeneIdentificatie={"inpBsn": d.bsn, "geslachtsnaam": "X"})
    resp = zrc.post("/rollen", rol, check=False)  # Rol is a discriminated oneOf contract.py cannot check
    assert_status(resp, 201)
    return d


def test_closed_data_set_has_einddatum(closed):
    assert closed.zaken["closed1"]["einddatum"] == "2024-05-05"
    assert closed.zaken["closed2"]["einddatum"] == "2024-06-06"
    assert closed.zaken["open"]["einddatum"] is None


CLOSED_FILTERS = [
    ("einddatum", lambda d: {"einddatum": "2024-05-05"}, {"closed1"}),
    ("einddatum__gt", lambda d: {"einddatum__gt": "2024-05-05"}, {"closed2"}),
    ("einddatum__lt", lambda d: {"einddatum__lt": "2024-06-06"}, {"closed1"}),
    ("einddatum__isnull-true", lambda d: {"einddatum__isnull": "true"}, {"open"}),
    ("einddatum__isnull-false", lambda d: {"einddatum__isnull": "false"}, {"closed1", "closed2"}),
    ("status__statustype-eind", lambda d: {"status__statustype": d.setup.statustype_eind}, {"closed1", "closed2"}),
    ("status__statustype-1", lambda d: {"status__statustype": d.setup.statustype_1}, {"open"}),
    ("resultaat__resultaattype", lambda d: {"resultaat__resultaattype": d.setup.resultaattype},
     {"closed1", "closed2"}),
    ("rol__betrokkeneType", lambda d: {"rol__betrokkeneType": "natuurlijk_persoon"}, {"closed1"}),
    ("rol__omschrijvingGeneriek", lambda d: {"rol__omschrijvingGeneriek": "initiator"}, {"closed1"}),
    ("rol__inpBsn", lambda d: {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": d.bsn}, {"closed1"}),
]


@pytest.mark.parametrize("params,expected", [c[1:] for c in CLOSED_FILTERS], ids=[c[0] for c in CLOSED_FILTERS])
def test_list_filter_on_closing(zrc, closed, params, expected):
    results = listed(zrc, {"bronorganisatie": closed.org, **params(closed)})
    assert sorted(closed.names(results)) == sorted(expected)


def test_list_ordering_einddatum(zrc, closed):
    base = {"bronorganisatie": closed.org, "einddatum__isnull": "false"}
    assert closed.names(listed(zrc, {**base, "ordering": "einddatum"})) == ["closed1", "closed2"]
    assert closed.names(listed(zrc, {**base, "ordering": "-einddatum"})) == ["closed2", "closed1"]


# ------------------------------------------------------------------------------------------------
# pagination
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def five(zrc, types):
    d = Data(rsin())
    for i in range(5):
        d.add(f"z{i}", zrc.create("/zaken", payload(types[0].zaaktype, bronorganisatie=d.org,
                                                    startdatum=f"2024-01-0{i + 1}")))
    return d


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_pagination_links_and_count(zrc, five):
    params = {"bronorganisatie": five.org, "pageSize": 2, "ordering": "startdatum"}
    first = zrc.get("/zaken", params=params)
    assert_status(first, 200)
    body = first.json()
    assert body["count"] == 5
    assert five.names(body["results"]) == ["z0", "z1"]
    assert body["previous"] is None
    q = _query(body["next"])
    assert (q.get("page"), q.get("pageSize"), q.get("bronorganisatie"), q.get("ordering")) == \
        ("2", "2", five.org, "startdatum"), body["next"]
    assert body["next"].startswith(zrc.url("/zaken"))
    second = zrc.get(body["next"]).json()
    assert second["count"] == 5
    assert five.names(second["results"]) == ["z2", "z3"]
    assert second["previous"] and second["next"]
    assert five.names(zrc.get(second["previous"]).json()["results"]) == ["z0", "z1"]
    third = zrc.get(second["next"]).json()
    assert five.names(third["results"]) == ["z4"]
    assert third["next"] is None
    assert _query(third["previous"]).get("page") == "2"


def test_pagination_pages_partition_the_result(zrc, five):
    seen = []
    for page in (1, 2, 3):
        body = zrc.get("/zaken", params={"bronorganisatie": five.org, "pageSize": 2, "page": page}).json()
        seen += five.names(body["results"])
    assert sorted(seen) == ["z0", "z1", "z2", "z3", "z4"]


@pytest.mark.parametrize("page", ["4", "99"])
def test_page_beyond_the_end_is_404(zrc, five, page):
    assert_problem(zrc.get("/zaken", params={"bronorganisatie": five.org, "pageSize": 2, "page": page}), 404)


@pytest.mark.parametrize("page", ["0", "-1", "eerste"])
def test_invalid_page_is_404(zrc, five, page):
    assert_problem(zrc.get("/zaken", params={"bronorganisatie": five.org, "page": page}), 404)


def test_empty_result_first_page_is_200(zrc):
    resp = zrc.get("/zaken", params={"bronorganisatie": rsin(), "page": 1})
    assert_status(resp, 200)
    assert resp.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_default_page_holds_all_five(zrc, five):
    body = zrc.get("/zaken", params={"bronorganisatie": five.org}).json()
    assert body["count"] == 5 and len(body["results"]) == 5 and body["next"] is None


# ------------------------------------------------------------------------------------------------
# POST /zaken/_zoek: the filters in the body
# ------------------------------------------------------------------------------------------------
SEARCHES = [
    ("uuid__in", lambda d: {"uuid__in": [d.zaken["a"]["uuid"], d.zaken["c"]["uuid"]]}, {"a", "c"}),
    ("uuid__in-empty", lambda d: {"uuid__in": []}, set()),
    ("zaaktype__in", lambda d: {"zaaktype__in": [d.t2]}, {"c", "d"}),
    ("zaaktype__in-both", lambda d: {"zaaktype__in": [d.t1, d.t2]}, {"a", "b", "c", "d"}),
    ("zaaktype__not_in", lambda d: {"zaaktype__not_in": [d.t1]}, {"c", "d"}),
    ("zaaktype", lambda d: {"zaaktype": d.t1}, {"a", "b"}),
    ("identificatie", lambda d: {"identificatie": f"{d.prefix}-BETA"}, {"b"}),
    ("identificatie__icontains", lambda d: {"identificatie__icontains": d.prefix.lower() + "-alpha"}, {"a", "d"}),
    ("archiefnominatie", lambda d: {"archiefnominatie": "blijvend_bewaren"}, {"b"}),
    ("archiefnominatie__in", lambda d: {"archiefnominatie__in": ["vernietigen"]}, {"a", "d"}),
    ("archiefstatus__in", lambda d: {"archiefstatus__in": ["gearchiveerd", "overgedragen"]}, {"b", "d"}),
    ("archiefactiedatum__isnull", lambda d: {"archiefactiedatum__isnull": True}, {"c"}),
    ("archiefactiedatum__lt", lambda d: {"archiefactiedatum__lt": "2031-01-01"}, {"a", "d"}),
    ("startdatum__gte", lambda d: {"startdatum__gte": "2024-02-10"}, {"b", "c", "d"}),
    ("startdatum__lte", lambda d: {"startdatum__lte": "2024-02-10"}, {"a", "b"}),
    ("registratiedatum__lt", lambda d: {"registratiedatum__lt": "2024-03-11"}, {"a", "b"}),
    ("einddatumGepland__gt", lambda d: {"einddatumGepland__gt": "2024-06-01"}, {"b", "d"}),
    ("uiterlijkeEinddatumAfdoening", lambda d: {"uiterlijkeEinddatumAfdoening": "2024-07-01"}, {"a"}),
    ("maximaleVertrouwelijkheidaanduiding", lambda d: {"maximaleVertrouwelijkheidaanduiding": "intern"},
     {"a", "b"}),
    ("kenmerk", lambda d: {"kenmerk": "sysA:K1"}, {"a"}),
    ("omschrijving", lambda d: {"omschrijving": "parkeer"}, {"a", "d"}),
    ("combined", lambda d: {"zaaktype__in": [d.t1, d.t2], "startdatum__gt": "2024-01-10",
                            "archiefstatus": "nog_te_archiveren"}, {"c"}),
]


@pytest.mark.parametrize("body,expected", [c[1:] for c in SEARCHES], ids=[c[0] for c in SEARCHES])
def test_search_filter(zrc, data, body, expected):
    results = searched(zrc, {"bronorganisatie": data.org, **body(data)})
    assert sorted(data.names(results)) == sorted(expected)


def test_search_bronorganisatie_in(zrc, data):
    results = searched(zrc, {"bronorganisatie__in": [data.org, data.org2]})
    assert sorted(data.names(results)) == ["a", "b", "c", "d", "e"]


def test_search_ordering(zrc, data):
    results = searched(zrc, {"bronorganisatie": data.org, "ordering": ["-startdatum", "identificatie"]})
    assert data.names(results) == ["d", "c", "b", "a"]


def test_search_pagination(zrc, data):
    body = {"bronorganisatie": data.org, "ordering": ["identificatie"]}
    first = zrc.post("/zaken/_zoek", body, params={"pageSize": 3})
    assert_status(first, 200)
    page = first.json()
    assert page["count"] == 4 and data.names(page["results"]) == ["a", "d", "b"]
    assert _query(page["next"]).get("page") == "2" and page["previous"] is None
    second = zrc.post("/zaken/_zoek", body, params={"pageSize": 3, "page": 2}).json()
    assert data.names(second["results"]) == ["c"] and second["next"] is None
    assert_problem(zrc.post("/zaken/_zoek", body, params={"pageSize": 3, "page": 3}), 404)


def test_search_without_content_crs_is_412(zrc, data):
    assert_problem(zrc.post("/zaken/_zoek", {"bronorganisatie": data.org}, headers={"Content-Crs": None}), 412)


def test_search_with_other_accept_crs_is_406(zrc, data):
    assert_problem(zrc.post("/zaken/_zoek", {"bronorganisatie": data.org}, headers={"Accept-Crs": "EPSG:28992"}),
                   406)


@pytest.mark.parametrize("body,field", [
    ({"startdatum__gt": "gisteren"}, "startdatum__gt"),
    ({"zaaktype__in": "https://example.com/zaaktype"}, "zaaktype__in"),
    ({"archiefactiedatum__isnull": "misschien"}, "archiefactiedatum__isnull"),
    ({"maximaleVertrouwelijkheidaanduiding": "supergeheim"}, "maximaleVertrouwelijkheidaanduiding"),
], ids=["bad-date", "in-not-a-list", "isnull-not-boolean", "bad-enum"])
def test_search_invalid_body_is_400(zrc, body, field):
    resp = zrc.post("/zaken/_zoek", body)
    names = [p.get("name") for p in assert_problem(resp, 400)["invalidParams"]]
    assert any(n == field or n.startswith(field + ".") for n in names), (field, resp.json())


def test_search_invalid_json_is_400(zrc):
    assert_problem(zrc.post("/zaken/_zoek", data="{niet json"), 400)


# ------------------------------------------------------------------------------------------------
# POST /zaken/_zoek: zaakgeometrie.within
#
# Search areas (lon 4..5, lat 52..53):
#   SQUARE   the whole 4..5 x 52..53 square
#   HOLED    the same square with a hole 4.4..4.6 x 52.4..52.6
#   TRIANGLE (4,52) (5,52) (4,53): its hypotenuse is lon + lat = 57; its bounding box is SQUARE, so zaken in
#            the box but outside the triangle show whether a box prefilter is followed by an exact test
#   MULTI    a MultiPolygon of 4..4.35 x 52..52.35 and 4.65..5 x 52.65..53
# ------------------------------------------------------------------------------------------------
HOLE = rect(4.4, 52.4, 4.6, 52.6)
SQUARE = {"type": "Polygon", "coordinates": [rect(4.0, 52.0, 5.0, 53.0)]}
HOLED = {"type": "Polygon", "coordinates": [rect(4.0, 52.0, 5.0, 53.0), HOLE[::-1]]}
TRIANGLE = {"type": "Polygon", "coordinates": [[[4.0, 52.0], [5.0, 52.0], [4.0, 53.0], [4.0, 52.0]]]}
MULTI = {"type": "MultiPolygon", "coordinates": [[rect(4.0, 52.0, 4.35, 52.35)], [rect(4.65, 52.65, 5.0, 53.0)]]}

GEOMETRIES = {
    "p_in": point(4.5, 52.5),                 # centre: in SQUARE, in HOLED's hole, on TRIANGLE's hypotenuse
    "p_out": point(5.5, 52.5),
    "p_edge": point(5.0, 52.5),               # on SQUARE's east edge
    "p_corner": point(4.0, 52.0),             # on SQUARE's corner
    "p_ring": point(4.2, 52.7),               # between the outer ring and the hole; inside TRIANGLE
    "p_hole_edge": point(4.4, 52.5),          # on the boundary of HOLED's hole
    "tri_trap": point(4.8, 52.8),             # in TRIANGLE's box, outside TRIANGLE
    "poly_in": {"type": "Polygon", "coordinates": [rect(4.2, 52.2, 4.3, 52.3)]},
    "poly_touch": {"type": "Polygon", "coordinates": [rect(4.0, 52.0, 4.3, 52.3)]},  # inside, touching edges
    "poly_cross": {"type": "Polygon", "coordinates": [rect(4.8, 52.4, 5.2, 52.6)]},
    "poly_out": {"type": "Polygon", "coordinates": [rect(6.0, 52.0, 7.0, 53.0)]},
    "poly_holed": {"type": "Polygon", "coordinates": [rect(4.1, 52.1, 4.9, 52.9), HOLE[::-1]]},
    "poly_over_hole": {"type": "Polygon", "coordinates": [rect(4.3, 52.3, 4.7, 52.7)]},
    "multi_in": {"type": "MultiPolygon", "coordinates": [[rect(4.1, 52.1, 4.2, 52.2)],
                                                         [rect(4.7, 52.7, 4.8, 52.8)]]},
    "multi_part_out": {"type": "MultiPolygon", "coordinates": [[rect(4.1, 52.1, 4.2, 52.2)],
                                                               [rect(5.1, 52.1, 5.2, 52.2)]]},
    "line_in": {"type": "LineString", "coordinates": [[4.1, 52.1], [4.9, 52.9]]},   # crosses the hole
    "line_on_edge": {"type": "LineString", "coordinates": [[4.0, 52.0], [5.0, 52.0]]},
    "no_geometry": None,
}

WITHIN = {
    "square": (SQUARE, {"p_in", "p_ring", "p_hole_edge", "tri_trap", "poly_in", "poly_touch", "poly_holed",
                        "poly_over_hole", "multi_in", "line_in"}),
    "holed": (HOLED, {"p_ring", "tri_trap", "poly_in", "poly_touch", "poly_holed", "multi_in"}),
    "triangle": (TRIANGLE, {"p_ring", "p_hole_edge", "poly_in", "poly_touch"}),
    "multi": (MULTI, {"poly_in", "poly_touch", "multi_in", "tri_trap"}),
}


@pytest.fixture(scope="module")
def geo(zrc, types):
    d = Data(rsin())
    for name, geometry in GEOMETRIES.items():
        resp = zrc.post("/zaken", payload(types[0].zaaktype, bronorganisatie=d.org, zaakgeometrie=geometry),
                        check=False)
        assert_status(resp, 201)
        d.add(name, checked(resp).json())
    return d


def test_geometries_stored_as_sent(zrc, geo):
    for name, geometry in GEOMETRIES.items():
        resp = checked(zrc.get(geo.url(name), check=False))
        assert resp.json()["zaakgeometrie"] == geometry, name


@pytest.mark.parametrize("area", list(WITHIN))
def test_search_within(zrc, geo, area):
    polygon_, expected = WITHIN[area]
    results = searched(zrc, {"bronorganisatie": geo.org, "zaakgeometrie": {"within": polygon_}})
    assert sorted(geo.names(results)) == sorted(expected)


def test_search_within_reversed_ring_orientation(zrc, geo):
    """The orientation of the search polygon's ring does not matter (RFC 7946 asks counter-clockwise outer
    rings, but parsers must not reject or invert clockwise ones)."""
    clockwise = {"type": "Polygon", "coordinates": [rect(4.0, 52.0, 5.0, 53.0)[::-1]]}
    results = searched(zrc, {"bronorganisatie": geo.org, "zaakgeometrie": {"within": clockwise}})
    assert sorted(geo.names(results)) == sorted(WITHIN["square"][1])


def test_search_within_combined_with_filters(zrc, geo):
    results = searched(zrc, {"bronorganisatie": geo.org, "zaakgeometrie": {"within": SQUARE},
                             "uuid__in": [geo.zaken[n]["uuid"] for n in ("p_in", "p_out", "poly_in")]})
    assert sorted(geo.names(results)) == ["p_in", "poly_in"]


def test_search_follows_geometry_changes(zrc, types):
    org = rsin()
    z = zrc.create("/zaken", payload(types[0].zaaktype, bronorganisatie=org, zaakgeometrie=point(6.5, 52.5)))
    body = {"bronorganisatie": org, "zaakgeometrie": {"within": SQUARE}}
    assert searched(zrc, body) == []
    zrc.patch(z["url"], {"zaakgeometrie": point(4.5, 52.5)})
    assert [r["url"] for r in searched(zrc, body)] == [z["url"]]
    zrc.patch(z["url"], {"zaakgeometrie": None})
    assert searched(zrc, body) == []
    zrc.patch(z["url"], {"zaakgeometrie": point(4.25, 52.25)})
    assert [r["url"] for r in searched(zrc, body)] == [z["url"]]
    assert_status(zrc.delete(z["url"]), 204)
    assert searched(zrc, body) == []


INVALID_WITHIN = [
    ("coordinates-not-a-list", {"type": "Polygon", "coordinates": "4,52"}),
    ("unknown-type", {"type": "Cirkel", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 52]]]}),
    ("no-type", {"coordinates": [rect(4.0, 52.0, 5.0, 53.0)]}),
    ("ring-too-short", {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [4, 52]]]}),
    ("ring-not-closed", {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 53]]]}),
    ("position-one-number", {"type": "Polygon", "coordinates": [[[4], [5, 52], [5, 53], [4]]]}),
    ("position-text", {"type": "Polygon", "coordinates": [[["4", "52"], [5, 52], [5, 53], ["4", "52"]]]}),
    ("within-not-an-object", "POLYGON((4 52, 5 52, 5 53, 4 52))"),
]


@pytest.mark.parametrize("within", [c[1] for c in INVALID_WITHIN], ids=[c[0] for c in INVALID_WITHIN])
def test_search_invalid_geojson_is_400(zrc, geo, within):
    resp = zrc.post("/zaken/_zoek", {"bronorganisatie": geo.org, "zaakgeometrie": {"within": within}})
    body = assert_problem(resp, 400)
    names = [p.get("name") for p in body["invalidParams"]]
    assert any(n and n.startswith("zaakgeometrie") for n in names), body


@pytest.mark.parametrize("geometry", [c[1] for c in INVALID_WITHIN[:-1]], ids=[c[0] for c in INVALID_WITHIN[:-1]])
def test_create_with_invalid_geojson_is_400(zrc, types, geometry):
    resp = zrc.post("/zaken", payload(types[0].zaaktype, zaakgeometrie=geometry))
    body = assert_problem(resp, 400)
    names = [p.get("name") for p in body["invalidParams"]]
    assert any(n and n.startswith("zaakgeometrie") for n in names), body
