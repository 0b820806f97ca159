"""A thread per process that keeps the node's index following the change log, so that a
change made by another process or node reaches this node's index within a second or two even
when no one searches here (searches also catch up first)."""

from __future__ import annotations

import logging
import threading
import weakref

from flask import Flask

log = logging.getLogger(__name__)


def start(app: Flask, every: float) -> threading.Thread | None:
    """Watch the log every ``every`` seconds while ``app`` lives (0: no thread). The thread
    holds the app only weakly, so an app that goes away takes its thread with it."""
    if every <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_watch, args=(weakref.ref(app), every, stop), name="kb-search-follower",
                              daemon=True)
    weakref.finalize(app, stop.set)
    thread.start()
    return thread


def _watch(app_ref: weakref.ref, every: float, stop: threading.Event) -> None:
    from knowledgebase.extensions import db
    from knowledgebase.search.service import EXTENSION

    while not stop.wait(every):
        app = app_ref()
        if app is None:
            return
        try:
            with app.app_context():
                app.extensions[EXTENSION].follow()
                db.session.remove()
        except Exception:  # noqa: BLE001 - keep watching; the next round tries again
            log.exception("following the search change log failed")
        del app
