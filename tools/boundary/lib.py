# Helpers for writing boundary cases: firms as dicts, exact decimal money, NDJSON output.
from decimal import Decimal as D
import copy, json

USCC = "91320500MA1N2K3P99"
WAN = D(10000)
YI = D(100000000)
FEN = D("0.01")
UNIT = D("0.00000001")  # one step of a stored ratio

def w(x):  # 万元 -> 元
    return D(str(x)) * WAN
def y(x):  # 亿元 -> 元
    return D(str(x)) * YI

def num(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, D):
        s = format(v.normalize(), "f")
        return s
    return json.dumps(v, ensure_ascii=False)

def dump(o):
    if isinstance(o, dict):
        return "{" + ", ".join(json.dumps(str(k), ensure_ascii=False) + ": " + dump(v) for k, v in o.items()) + "}"
    if isinstance(o, list):
        return "[" + ", ".join(dump(v) for v in o) + "]"
    return num(o)

class Firm:
    def __init__(self, name, **fields):
        self.f = {"uscc": USCC, "name": name}
        self.f.update(fields)
        self.years = {}
    def copy(self):
        return copy.deepcopy(self)
    def set(self, **fields):
        self.f.update(fields)
        return self
    def unset(self, *names):
        for n in names:
            self.f.pop(n, None)
        return self
    def yr(self, year, **vals):
        self.years.setdefault(year, {}).update(vals)
        return self
    def yunset(self, year, *names):
        for n in names:
            self.years.get(year, {}).pop(n, None)
        return self
    def series(self, field, values, last=2024):
        # values newest first: [v2024, v2023, v2022]
        for i, v in enumerate(values):
            self.yr(last - i, **{field: v})
        return self
    def profit(self, values, last=2024):
        self.series("net_profit", values, last)
        self.series("net_profit_deducted", values, last)
        return self
    def json(self):
        o = dict(self.f)
        o["years"] = {str(k): self.years[k] for k in sorted(self.years, reverse=True)}
        return o

def case(name, as_of, firm, expect=None, year=None, score=None, nearest=None, missing=None):
    o = {"name": name, "as_of": as_of}
    if year is not None:
        o["year"] = year
    o["firm"] = firm.json()
    if expect:
        o["expect"] = expect
    if score:
        o["expect_score"] = score
    if nearest:
        o["expect_nearest"] = nearest
    if missing:
        o["expect_missing"] = missing
    return o

def write(path, cases):
    names = set()
    with open(path, "w", encoding="utf-8") as fp:
        for c in cases:
            assert c["name"] not in names, c["name"]
            names.add(c["name"])
            fp.write(dump(c) + "\n")
    print(path, len(cases))
