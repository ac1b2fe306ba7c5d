#!/usr/bin/env python3
"""Generates data/holidays.bin, the public holidays followup carries, from the `holidays`
package on PyPI (MIT): every country and subdivision it covers, for the years below.

    python3 -m pip install holidays==0.109 && python3 scripts/gen_holidays.py

Facts only (dates and names, in English where the package has English, else in the
country's own language): observed and substitute days as the package gives them; only its
public holidays (its default category), so observances that are not days off are left out.
The weekend of each country is the package's.

The file (all numbers little-endian):
    b"FUHD1\\n", u16 first year, u16 last year, package version (u8 length, ASCII)
    u32 holiday names, each u16 length + UTF-8
    u32 calendars, each:
        u8 length + ASCII code ("DE", "DE-BY"), u8 length + UTF-8 name,
        u8 weekend (bit 0 Monday .. bit 6 Sunday),
        u32 days added, each u16 days since 1 January of the first year + u16 name;
        u32 days removed (a subdivision's: days of its country it does not keep), each u16
    A subdivision follows its country and lists only how it differs from it.
"""

import datetime
import struct
import sys
import warnings

import holidays
import holidays.registry

FIRST, LAST = 2000, 2050
OUT = sys.argv[1] if len(sys.argv) > 1 else "data/holidays.bin"
EPOCH = datetime.date(FIRST, 1, 1)

warnings.simplefilter("ignore")  # "available only from 2001": the years it has are kept


def language(cls):
    langs = getattr(cls, "supported_languages", ()) or ()
    for want in ("en_US", "en_GB", "en"):
        if want in langs:
            return want
    return None


def days(code, subdiv=None):
    kwargs = {"years": range(FIRST, LAST + 1)}
    if subdiv:
        kwargs["subdiv"] = subdiv
    probe = holidays.country_holidays(code)
    lang = language(probe)
    if lang:
        kwargs["language"] = lang
    h = holidays.country_holidays(code, **kwargs)
    return {d: "; ".join(sorted(set(n.split("; ")))) for d, n in h.items()}, h


def main():
    names, index = [], {}

    def name_id(n):
        if n not in index:
            index[n] = len(names)
            names.append(n)
        return index[n]

    calendars = []
    countries = sorted(
        {(v[1], k) for k, v in holidays.registry.COUNTRIES.items()}, key=lambda x: x[0]
    )
    for code, module in countries:
        base, h = days(code)
        weekend = sum(1 << d for d in h.weekend)
        title = module.replace("_", " ").title()
        calendars.append((code, title, weekend, base, {}))
        aliases = {v: k for k, v in getattr(h, "subdivisions_aliases", {}).items()}
        for sub in h.subdivisions:
            own, _ = days(code, sub)
            added = {d: n for d, n in own.items() if base.get(d) != n}
            removed = [d for d in base if d not in own]
            calendars.append(
                (f"{code}-{sub}", aliases.get(sub, sub), weekend, added, removed)
            )

    out = bytearray(b"FUHD1\n")
    out += struct.pack("<HH", FIRST, LAST)
    version = holidays.__version__.encode()
    out += struct.pack("<B", len(version)) + version
    body = bytearray()
    body += struct.pack("<I", len(calendars))
    for code, title, weekend, added, removed in calendars:
        c, t = code.encode(), title.encode()
        body += struct.pack("<B", len(c)) + c + struct.pack("<B", len(t)) + t
        body += struct.pack("<B", weekend)
        body += struct.pack("<I", len(added))
        for d in sorted(added):
            body += struct.pack("<HH", (d - EPOCH).days, name_id(added[d]))
        body += struct.pack("<I", len(removed))
        for d in sorted(removed):
            body += struct.pack("<H", (d - EPOCH).days)
    out += struct.pack("<I", len(names))
    for n in names:
        b = n.encode()
        out += struct.pack("<H", len(b)) + b
    out += body
    with open(OUT, "wb") as f:
        f.write(out)
    print(f"{OUT}: {len(calendars)} calendars, {len(names)} names, {len(out)} bytes, holidays {holidays.__version__}")


if __name__ == "__main__":
    main()
