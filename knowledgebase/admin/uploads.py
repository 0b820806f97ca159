"""Uploaded import files, kept between the dry run and the real import in a folder of their
own under DATA_DIR/uploads/<token>/. Zip files are unpacked with limits on size and names."""

from __future__ import annotations

import re
import secrets
import shutil
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

SUFFIXES = (".yaml", ".yml", ".csv")
MAX_FILES = 200
MAX_UNPACKED = 100 * 1024 * 1024
# Uploads nobody applied are removed after a day.
MAX_AGE_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


# What reading a damaged zip archive raises (zipfile, zlib, and the stream ending early).
UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError)


class UploadError(ValueError):
    """The upload cannot be used; the message is for the user."""


def upload_root(data_dir: str) -> Path:
    return Path(data_dir) / "uploads"


def store(file: FileStorage, data_dir: str) -> str:
    """Keep an uploaded .yaml, .csv or .zip file; returns its token."""
    root = upload_root(data_dir)
    _remove_stale(root)
    name = secure_filename(file.filename or "")
    suffix = Path(name).suffix.lower()
    if suffix not in (*SUFFIXES, ".zip"):
        raise UploadError(_("Choose a .yaml, .csv or .zip file."))
    token = secrets.token_hex(16)
    folder = root / token
    folder.mkdir(parents=True)
    try:
        if suffix == ".zip":
            _unpack(file, folder)
        else:
            file.save(folder / name)
    except UploadError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except UNREADABLE_ZIP:
        # A damaged archive (bad CRC, truncated or corrupt data, encrypted or unknown
        # compression) shows only while it is read; nothing of it is kept.
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadError(_("The zip file is damaged and cannot be read.")) from None
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadError(_("The file could not be stored; try again.")) from None
    return token


def store_sheet(file: FileStorage, data_dir: str) -> tuple[str, Path]:
    """Keep an uploaded spreadsheet (.csv or .xlsx) in a folder of its own; returns its token
    and the file's path. The folder holds only the spreadsheet, never what is imported."""
    suffix = Path(secure_filename(file.filename or "")).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UploadError(_("Choose a .csv or .xlsx file."))
    token, folder = new_folder(data_dir)
    try:
        file.save(folder / f"sheet{suffix}")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadError(_("The file could not be stored; try again.")) from None
    return token, folder / f"sheet{suffix}"


def new_folder(data_dir: str) -> tuple[str, Path]:
    """An empty upload folder and its token (for files made here, such as a converted sheet)."""
    root = upload_root(data_dir)
    _remove_stale(root)
    token = secrets.token_hex(16)
    folder = root / token
    folder.mkdir(parents=True)
    return token, folder


def sheet_in(token: str, data_dir: str) -> Path | None:
    """The spreadsheet kept under ``token``, or None."""
    folder = path_for(token, data_dir)
    if folder is None:
        return None
    return next((path for path in sorted(folder.iterdir()) if path.name in ("sheet.csv", "sheet.xlsx")), None)


def _unpack(file: FileStorage, folder: Path) -> None:
    try:
        archive = zipfile.ZipFile(file.stream)
    except zipfile.BadZipFile:
        raise UploadError(_("The zip file cannot be read.")) from None
    with archive:
        members = [info for info in archive.infolist()
                   if not info.is_dir() and PurePosixPath(info.filename).suffix.lower() in SUFFIXES]
        if not members:
            raise UploadError(_("The zip file holds no .yaml or .csv files."))
        if len(members) > MAX_FILES or sum(info.file_size for info in members) > MAX_UNPACKED:
            raise UploadError(_("The zip file is too large."))
        for info in members:
            path = PurePosixPath(info.filename)
            if path.is_absolute() or ".." in path.parts:
                raise UploadError(_("The zip file holds a file with an unsafe name."))
            target = folder.joinpath(*[secure_filename(part) for part in path.parts])
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)


def path_for(token: str, data_dir: str) -> Path | None:
    """The folder of a stored upload, or None if the token names nothing."""
    if not TOKEN_RE.match(token or ""):
        return None
    folder = upload_root(data_dir) / token
    return folder if folder.is_dir() else None


def discard(token: str, data_dir: str) -> None:
    folder = path_for(token, data_dir)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_stale(root: Path) -> None:
    if not root.is_dir():
        return
    now = time.time()
    for folder in root.iterdir():
        if folder.is_dir() and now - folder.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
