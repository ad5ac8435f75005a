"""Helpers of the Zaken API tests: a published zaaktype with its types, zaak payloads, and a client for
/zaken/api/v1 that sends the CRS headers the API requires.  Builds on zgw.py (Catalogi helpers)."""

from __future__ import annotations

import random

import zgw

ZRC = "/zaken/api/v1"
CRS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
BRONORGANISATIE = "002220647"  # valid RSIN (elfproef)

# BSNs that pass the elfproef, and one that does not
VALID_BSNS = ["111222333", "123456782", "999993653"]
INVALID_BSN = "123456789"


def rsin() -> str:
    return zgw.rsin()


def bsn() -> str:
    """A random nine-digit number that passes the elfproef."""
    while True:
        digits = [random.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        last = total % 11
        if last < 10 and any(digits):
            return "".join(map(str, digits)) + str(last)


class Zrc(zgw.Api):
    """Calls the Zaken API as one client: a zgw.Api whose relative paths are under /zaken/api/v1 and whose
    requests carry the CRS headers the API requires."""

    def __init__(self, api: zgw.Api):
        super().__init__(api.base_url, api.client_id, api.secret, api.session)

    def as_client(self, client_id, secret) -> "Zrc":
        return Zrc(super().as_client(client_id, secret))

    def url(self, path: str) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.base_url + ZRC + path

    def request(self, method, path, body=None, *, headers=None, **kw):
        return super().request(method, path, body, headers={**CRS, **(headers or {})}, **kw)

    def create(self, path, body, **kw):
        resp = self.post(path, body, **kw)
        assert resp.status_code == 201, zgw.describe(resp)
        return resp.json()


class Setup:
    """A catalogus with a published zaaktype that has two statustypen (the second is the eindstatus), a
    resultaattype, two roltypen, an eigenschap and a zaakobjecttype.  All URLs are full URLs."""

    def __init__(self, api: zgw.Api, *, vertrouwelijkheid="openbaar", resultaattype_over=None,
                 catalogus=None, zaaktype_over=None, deelzaaktypen=None):
        f = zgw.Factory(api)
        self.catalogus = catalogus or f.catalogus()["url"]
        zt_over = dict(zaaktype_over or {})
        if deelzaaktypen:
            zt_over["deelzaaktypen"] = deelzaaktypen
        zt = f.zaaktype(self.catalogus, vertrouwelijkheidaanduiding=vertrouwelijkheid,
                        productenOfDiensten=["https://example.com/product/1", "https://example.com/product/2"],
                        **zt_over)
        self.zaaktype = zt["url"]
        self.statustype_1 = f.statustype(self.zaaktype, volgnummer=1)["url"]
        self.statustype_eind = f.statustype(self.zaaktype, volgnummer=2)["url"]
        self.resultaattype = f.resultaattype(self.zaaktype, **(resultaattype_over or {}))["url"]
        self.roltype = f.roltype(self.zaaktype, omschrijvingGeneriek="initiator")["url"]
        self.roltype_behandelaar = f.roltype(self.zaaktype, omschrijvingGeneriek="behandelaar")["url"]
        self.eigenschap_body = f.eigenschap(self.zaaktype)
        self.eigenschap = self.eigenschap_body["url"]
        self.zaakobjecttype = f.zaakobjecttype(self.zaaktype)["url"]
        f.publish(self.zaaktype)


def zaak_payload(zaaktype: str, **over):
    body = {
        "zaaktype": zaaktype,
        "bronorganisatie": BRONORGANISATIE,
        "verantwoordelijkeOrganisatie": BRONORGANISATIE,
        "startdatum": "2026-01-15",
        "omschrijving": "Testzaak",
    }
    body.update(over)
    return body


def status_payload(zaak: str, statustype: str, **over):
    body = {"zaak": zaak, "statustype": statustype, "datumStatusGezet": "2026-02-01T10:00:00Z"}
    body.update(over)
    return body


def rol_payload(zaak: str, roltype: str, **over):
    body = {
        "zaak": zaak,
        "roltype": roltype,
        "betrokkeneType": "natuurlijk_persoon",
        "roltoelichting": "test",
        "betrokkeneIdentificatie": {"inpBsn": bsn(), "geslachtsnaam": "Jansen"},
    }
    body.update(over)
    return body


def polygon(minx, miny, maxx, maxy):
    return {"type": "Polygon",
            "coordinates": [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]]}


def add_client(server, client_id, secret, grants):
    """Adds a client whose grants are (scope, zaaktype URL or None, max vertrouwelijkheid or None)."""
    args = ["clients", "add", "--db", server.db_url, "--client-id", client_id, "--secret", secret]
    for scope, zaaktype, maximum in grants:
        args += ["--zaaktype", zaaktype or "", "--max-vertrouwelijkheid", maximum or "",
                 "--scope", scope if ":" in scope else "zrc:" + scope]
    server.cli(*args)
