"""Threads that do a piece of work now and then while an app lives: following the search
change log, running queued jobs. Each thread holds its app only weakly, so an app that goes
away takes its threads with it; each starts in the process that serves (after a server's
fork, since the app is not preloaded)."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)


def every(app: Flask, seconds: float, work: Callable[[], object], name: str) -> threading.Thread | None:
    """Call ``work()`` inside ``app``'s context every ``seconds`` (0: never, no thread)."""
    if seconds <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(weakref.ref(app), seconds, work, stop), name=name, daemon=True)
    weakref.finalize(app, stop.set)
    thread.start()
    return thread


def _loop(app_ref: weakref.ref, seconds: float, work: Callable[[], object], stop: threading.Event) -> None:
    from knowledgebase.extensions import db

    while not stop.wait(seconds):
        app = app_ref()
        if app is None:
            return
        try:
            with app.app_context():
                try:
                    work()
                finally:
                    db.session.remove()
        except Exception:  # noqa: BLE001 - keep going; the next round tries again
            log.exception("background work %s failed", threading.current_thread().name)
        del app
