"""Reading seed-format files (see docs/seed-format.md): the YAML loader, CSV tables, the
files of a folder, and the report and the refusal of an import."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _


class ImportFailed(Exception):
    """The import was refused; ``errors`` are messages that name file, entry and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors

    def __reduce__(self):  # pickled by the reading processes (``_read_entry_files``)
        return ImportFailed, (self.errors,)


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    taxonomy: Counter = field(default_factory=Counter)
    # (type, slug, "created" | "updated" | "unchanged") for each entry, for dry runs.
    entries: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for key in sorted(set(self.created) | set(self.updated) | set(self.unchanged)):
            parts.append(_("%(type)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged",
                           type=key, created=self.created[key], updated=self.updated[key],
                           unchanged=self.unchanged[key]))
        return "\n".join(parts) or _("Nothing to import.")


_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when available) with a short cut for plain text, most of
    the values in a seed file: the safe constructor returns ``node.value`` for it too, after
    four Python calls."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and node.__class__ is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # libyaml's loader when available: same results, several times faster.
            return yaml.load(handle, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed([_("%(file)s: cannot be read: %(error)s", file=path.name, error=exc)]) from None


def read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed([_("%(file)s: cannot be read: %(error)s", file=path.name, error=exc)]) from None
    for number, row in enumerate(rows, 2):
        if any(not (row.get(col) or "").strip() for col in columns):
            raise ImportFailed([_("%(file)s: line %(line)d: the columns %(columns)s are required",
                                  file=path.name, line=number, columns=", ".join(columns))])
    return rows


def seed_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".csv"))
    raise ImportFailed([_("%(path)s: no such file or folder", path=str(path))])
