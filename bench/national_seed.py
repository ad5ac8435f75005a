#!/usr/bin/python3
"""Writes the seed file of bench/national.lua: what the scenario's requests start from, read through the API as
the regular client (whose rights cover the granted zaaktypen) would see it.

Usage: national_seed.py BASE TOKEN_ALL TOKEN_REGULAR IOT_URL ZAAKTYPE_URL... > seed.txt
Lines: "bsn <bsn>" (of rollen of zaken the client may see), "statustype <zaaktype> <statustype>" (the second
statustype: not the eindstatus), "roltype <zaaktype> <roltype>" (a behandelaar), "zaak <url> <zaaktype>", "document <url>",
"iot <url>", "create <zaaktype>".
"""
import sys

import requests


def main() -> int:
    base, token_all, token_regular, iot = sys.argv[1:5]
    zaaktypen = sys.argv[5:]
    s = requests.Session()
    hdr_all = {"Authorization": f"Bearer {token_all}", "Accept-Crs": "EPSG:4326"}
    hdr = {"Authorization": f"Bearer {token_regular}", "Accept-Crs": "EPSG:4326"}

    def get(path, params, headers):
        r = s.get(base + path, params=params, headers=headers, timeout=120)
        r.raise_for_status()
        return r.json()

    out = [f"iot {iot}"]
    first_zaak = None
    bsns = 0
    for zt in zaaktypen:
        st = sorted(get("/catalogi/api/v1/statustypen", {"zaaktype": zt}, hdr_all)["results"],
                    key=lambda x: x["volgnummer"])
        rt = get("/catalogi/api/v1/roltypen", {"zaaktype": zt}, hdr_all)["results"]
        out.append(f"statustype {zt} {st[1]['url']}")
        # A behandelaar: a zaak may have many (and one initiator at most).
        rt = [r for r in rt if r.get("omschrijvingGeneriek") == "behandelaar"] or rt
        out.append(f"roltype {zt} {rt[0]['url']}")
        out.append(f"create {zt}")
        zaken = [z for z in get("/zaken/api/v1/zaken", {"zaaktype": zt}, hdr)["results"]
                 if not z["omschrijving"].startswith("Sjabloon")]
        for z in zaken[:40]:
            if first_zaak is None:
                first_zaak = z
            for rol in get("/zaken/api/v1/rollen", {"zaak": z["url"]}, hdr).get("results", []):
                b = (rol.get("betrokkeneIdentificatie") or {}).get("inpBsn")
                if b:
                    out.append(f"bsn {b}")
                    bsns += 1
    if first_zaak is None or bsns == 0:
        print("national_seed: the regular client sees no zaken with rollen", file=sys.stderr)
        return 1
    out.append(f"zaak {first_zaak['url']} {first_zaak['zaaktype']}")
    zios = get("/zaken/api/v1/zaakinformatieobjecten", {"zaak": first_zaak["url"]}, hdr)
    if not zios:
        print("national_seed: the first zaak has no documents", file=sys.stderr)
        return 1
    out.append(f"document {zios[0]['informatieobject']}")
    print("\n".join(out))
    print(f"national_seed: {bsns} BSNs, {len(zaaktypen)} zaaktypen", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
