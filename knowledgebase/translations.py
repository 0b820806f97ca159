"""Managing the interface catalogs in translations/: extract, update, fill and compile.

The compiled ``.mo`` files are not committed: ``compile_catalogs`` builds them when the app
starts (and ``flask --app app translations compile`` on demand)."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from knowledgebase.i18n import LOCALES

log = logging.getLogger(__name__)
DOMAIN = "messages"
# Folders the extraction skips. Without --ignore-dirs Babel also skips every folder whose
# name starts with "_" (templates/_macros, templates/_partials).
IGNORE_DIRS = ".* __pycache__ node_modules instance"


def _po_path(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def compile_catalogs(directory: Path, force: bool = False) -> list[Path]:
    """Write a ``.mo`` beside each ``.po`` that is newer than it (or has none)."""
    written = []
    for locale in LOCALES:
        po = _po_path(directory, locale)
        mo = po.with_suffix(".mo")
        if not po.exists() or (not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
            continue
        try:
            catalog = _read(po, locale)
            with mo.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
        except OSError as exc:  # a read-only install: keep serving, say why
            log.warning("Cannot compile %s: %s", po, exc)
            continue
        written.append(mo)
    return written


def extract_and_update(root: Path, directory: Path) -> None:
    """Extract messages from code and templates into messages.pot and merge them into every
    locale's catalog (creating missing ones). English msgids are the English text, so the
    English catalog is filled with them."""
    pot = directory / f"{DOMAIN}.pot"
    cli = CommandLineInterface()
    cli.run(["pybabel", "-q", "extract", "-F", str(root / "babel.cfg"), "-k", "_l", "--no-location",
             "--ignore-dirs", IGNORE_DIRS, "--sort-output", "--project", "knowledgebase", "-o", str(pot),
             str(root)])
    for locale in LOCALES:
        command = "update" if _po_path(directory, locale).exists() else "init"
        args = ["pybabel", "-q", command, "-i", str(pot), "-d", str(directory), "-l", locale]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        cli.run(args)
    fill_identity(directory, "en")


def fill_identity(directory: Path, locale: str) -> None:
    """Give every empty message of ``locale`` its msgid (the msgids are that language)."""
    path = _po_path(directory, locale)
    catalog = _read(path, locale)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


def incomplete_messages(directory: Path) -> dict[str, list[str]]:
    """Messages that are untranslated or fuzzy, per locale."""
    problems: dict[str, list[str]] = {}
    for locale in LOCALES:
        catalog = _read(_po_path(directory, locale), locale)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                problems.setdefault(locale, []).append(
                    message.id if isinstance(message.id, str) else message.id[0])
    return problems
