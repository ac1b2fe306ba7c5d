#!/usr/bin/env python3
"""Writes tests/fixtures/holidays/reference.csv: straight from the `holidays` package, the
holidays of twenty codes on five continents over six years, which the tests compare with
`followup calendars show` date for date.

    python3 -m pip install holidays==0.109 && python3 scripts/holidays_reference.py
"""

import csv
import sys
import warnings

import holidays

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from gen_holidays import language  # noqa: E402  the same names as the data file

CODES = ["US", "US-CA", "CA-ON", "MX", "BR-SP", "AR", "GB-SCT", "DE-BY", "FR", "ES-CT",
         "NG", "ZA", "EG", "KE", "IN-KA", "JP", "CN", "SA", "AU-NSW", "NZ"]
YEARS = [2000, 2010, 2024, 2026, 2035, 2050]
OUT = "tests/fixtures/holidays/reference.csv"

warnings.simplefilter("ignore")
with open(OUT, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "date", "name"])
    for code in CODES:
        country, _, sub = code.partition("-")
        kwargs = {"years": YEARS}
        if sub:
            kwargs["subdiv"] = sub
        lang = language(holidays.country_holidays(country))
        if lang:
            kwargs["language"] = lang
        h = holidays.country_holidays(country, **kwargs)
        for d, n in sorted(h.items()):
            w.writerow([code, d.isoformat(), "; ".join(sorted(set(n.split("; "))))])
print(OUT)
