"""Helpers for bulk work (imports, index writes): pausing the cycle collector, and running a
function in a forked child process whose result comes back pickled through a pipe. Forking
is for the command line (seeding, ``flask import``): reading megabytes of YAML, analysing a
large batch of new entries into an index segment. While a request is served nothing forks,
since forking a threaded web server is unsafe, and neither does a background job run by a
serving process's job thread (the job worker on the command line may)."""

from __future__ import annotations

import gc
import os
import pickle
import random
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from flask import has_app_context, has_request_context

from knowledgebase.extensions import db


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: bulk work builds millions of objects that live until
    it ends (an import's rows, a segment's postings), and each collection walked all of them
    (a third of an import's time). Reference counting still frees everything else; the
    collector runs again afterwards. The pause is process-wide."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Child(NamedTuple):
    pid: int
    read_fd: int


def allowed() -> bool:
    """Whether this process may fork now: not on a system without fork, nor in a request, nor
    from any thread but the main one (a serving process's background job thread)."""
    return (hasattr(os, "fork") and not has_request_context()
            and threading.current_thread() is threading.main_thread())


def start(work: Callable[[], Any]) -> Child:
    """Fork a child that runs ``work()`` and sends back (True, its result), or (False, the
    traceback) when it raised."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return Child(pid, read_fd)
    # The child shares the parent's open files and database connections: it touches none of
    # them and leaves with os._exit, so that no clean-up of the parent's state runs.
    status = 1
    try:
        os.close(read_fd)
        gc.disable()  # short-lived; a collection would also copy every page of the parent's heap
        random.seed()  # not the parent's sequence (Whoosh names segments with ``random``)
        _leave_parent_connections()
        try:
            payload = pickle.dumps((True, work()), pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:  # noqa: BLE001 - reported to the parent, which raises
            payload = pickle.dumps((False, traceback.format_exc(limit=5)))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(status)


def _leave_parent_connections() -> None:
    """Give the child an empty connection pool, leaving the parent's connections alone (not
    closed: that would end the parent's sessions), as SQLAlchemy advises after a fork."""
    if has_app_context():
        db.engine.dispose(close=False)


def result(child: Child) -> tuple[bool, Any]:
    """Wait for ``child``: (True, what its work returned) or (False, why it failed)."""
    with os.fdopen(child.read_fd, "rb") as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(child.pid, 0)
    if not data:
        return False, f"exited with status {status}"
    return pickle.loads(data)  # noqa: S301 - our own child's data
