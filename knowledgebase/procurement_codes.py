"""Procurement terms shared by the services and the search: CPV codes and their hierarchy,
and the rule for who may take a reserved contract (LOU 4 kap. 18 §). Plain functions over
plain values, so that the search index can use them without depending on the services."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from knowledgebase import models as m

RESERVED_SHARE_MIN = 30  # LOU 4 kap. 18 §: at least 30 per cent of the workers

# As stored: eight digits, and the check digit when the source gives it ("90911000-6").
CPV_CODE_RE = re.compile(r"^\d{8}(?:-\d)?$")
# As people write one: "90910000-9", "90910000", "9091 0000", "90.91", "CPV 909".
_CPV_QUERY_RE = re.compile(r"^(?:cpv[\s:]*)?(\d[\d\s.]{1,11})(?:\s*-\s*\d)?$", re.IGNORECASE)


def cpv_prefix(value: str) -> str | None:
    """The significant digits of a CPV code or prefix written in any common form; trailing
    zeros mean "the whole branch" (division 90 is 90000000). "90910000-9" → "9091",
    "90" → "90", "9091 0000" → "9091". None when ``value`` is no CPV code."""
    match = _CPV_QUERY_RE.match((value or "").strip())
    if not match:
        return None
    digits = re.sub(r"[\s.]", "", match.group(1))
    if not 2 <= len(digits) <= 8:
        return None
    return digits.rstrip("0").ljust(2, "0")


def cpv_terms(code: str) -> list[str]:
    """A code's eight digits and every prefix from its division down:
    "90911200" → ["90911200", "90", "909", "9091", "90911", "909112"]."""
    digits = code[:8]
    prefix = cpv_prefix(digits) or ""
    return [digits] + [prefix[:n] for n in range(2, len(prefix) + 1)]


def normalise_service_query(value: str) -> str:
    """The term a service query matches in ``service_terms``: the significant digits of a CPV
    code in any common form, otherwise the text as a slug ("Bicycle repair" → "bicycle-repair")."""
    prefix = cpv_prefix(value)
    if prefix:
        return prefix
    return re.sub(r"[\s_]+", "-", (value or "").strip().lower())


@dataclass(frozen=True)
class CpvCode:
    """One CPV code of a service category, as kept in service_categories.yaml."""

    code: str
    name_sv: str
    name_en: str
    bilaga2: bool
    reservable: bool
    sources: tuple[str, ...]
    category: str

    @property
    def prefix(self) -> str:
        return cpv_prefix(self.code[:8]) or ""

    def name(self, locale: str) -> tuple[str, str]:
        """The name in ``locale`` and the language it is really in."""
        if locale == "en" and self.name_en or not self.name_sv:
            return self.name_en, "en"
        return self.name_sv, "sv"


def cpv_codes(categories: Iterable[m.ServiceCategory]) -> list[CpvCode]:
    codes = []
    for category in categories:
        for item in category.cpv or []:
            if isinstance(item, str):  # a bare code, as the seed format allowed at first
                item = {"code": item}
            name = item.get("name") or {}
            codes.append(CpvCode(
                code=str(item["code"]), name_sv=name.get("sv", ""), name_en=name.get("en", ""),
                bilaga2=bool(item.get("bilaga2")), reservable=bool(item.get("reservable")),
                sources=tuple(item.get("source") or ()), category=category.slug))
    return codes



def reserved_eligible(states_it_can: bool | None, share: int | None) -> bool:
    """States it can take reserved contracts, and no declared share of workers says otherwise
    (LOU 4 kap. 18 §: at least 30 %). The SQL form is ``reserved_clause``."""
    return bool(states_it_can) and (share is None or share >= RESERVED_SHARE_MIN)
