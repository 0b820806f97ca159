"""Writing documents into the index in as few commits as memory allows, and sharing a large
batch of new entries out among child processes that each write a segment of their own."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from whoosh import index, writing
from whoosh.codec.whoosh3 import W3Codec

from knowledgebase import bulk
from knowledgebase.search import store
from knowledgebase.search.documents import IndexDoc


def write(ix: index.Index, docs: Iterable[IndexDoc], delete_ids: Iterable[int], timeout: float,
          progress: Callable[[int], None] | None = None, clear: bool = False,
          newer_than: int | None = None, new_ids: Sequence[int] = (),
          load: Callable[[list[int]], Iterable[IndexDoc]] | None = None, procs: int = 1,
          parallel_min: int | None = None) -> int:
    """Add or replace ``docs``, delete ``delete_ids`` and add the entries ``new_ids``: see
    ``_write``. Python's cycle collector pauses meanwhile: the postings are millions of
    objects that live until the segment is written, and each collection walked all of them."""
    with bulk.collector_paused():
        return _write(ix, docs, delete_ids, timeout, progress, clear, newer_than, list(new_ids), load,
                      procs, store.PARALLEL_MIN if parallel_min is None else parallel_min)


def _write(ix: index.Index, docs: Iterable[IndexDoc], delete_ids: Iterable[int], timeout: float,
           progress: Callable[[int], None] | None, clear: bool, newer_than: int | None,
           new_ids: list[int], load: Callable[[list[int]], Iterable[IndexDoc]] | None, procs: int,
           parallel_min: int) -> int:
    """Add or replace ``docs`` and delete ``delete_ids`` in as few commits as memory allows.
    ``clear`` replaces the whole index in one commit (a rebuild: searchers see the old
    generation until then). Documents of entries with an id above ``newer_than`` (the
    highest id the index has ever held) are added without looking for an old version.

    ``new_ids`` are entries the index has never held, whose documents ``load(ids)`` reads
    (a bulk import's). With ``procs`` > 1, fork available and at least ``parallel_min`` of
    them, they are shared out among child processes, ``procs`` at a time, each reading its
    share from the database and writing it into a segment of its own, while this process
    writes ``docs`` and the deletions; the children's segments join the last commit, before
    this process's own (so documents stay in entry order). Otherwise this process adds them.
    Raises LockError when the lock is not free within ``timeout``."""
    shares: deque[list[int]] = deque()
    in_children = bool(new_ids) and procs > 1 and len(new_ids) >= parallel_min and bulk.allowed()
    if in_children:
        shares.extend(_shares(new_ids, procs))
    # (document, whether an older version may be in the index)
    todo = ((doc, not clear and (newer_than is None or doc.entry_id <= newer_than)) for doc in docs)
    if new_ids and not in_children:
        todo = chain(todo, ((doc, False) for doc in load(new_ids)))
    writer = store.open_writer(ix, timeout)
    running: deque[bulk.Child] = deque()
    count = pending = 0
    extra: list = []  # the children's segments
    try:
        while shares and len(running) < procs:
            running.append(_fork_segment(ix, load, shares.popleft()))
        for entry_id in delete_ids:
            writer.delete_by_term("id", str(entry_id))
        for doc, update in todo:
            store.add_document(writer, doc, update)
            count += 1
            pending += 1
            if progress:
                progress(1)
            if pending >= store.COMMIT_EVERY and not clear:
                _commit(writer, [], merge=False)
                writer, pending = store.open_writer(ix, timeout), 0
        while running:  # in order: the shares are of a size, so they end about in order
            extra += _collect([running.popleft()])
            if shares:
                running.append(_fork_segment(ix, load, shares.popleft()))
    except BaseException:
        try:
            _collect(list(running), check=False)
        finally:
            writer.cancel()
        raise
    extra = [segment for segment in extra if segment is not None]
    count += sum(segment.doc_count() for segment in extra)
    _commit(writer, extra, mergetype=writing.CLEAR if clear else None,
            merge=not clear and count < store.COMMIT_EVERY)
    return count


def _shares(ids: list[int], procs: int) -> list[list[int]]:
    """``ids`` in runs of equal size: at least one per process, none above what one process
    may hold in memory (``store.COMMIT_EVERY`` over ``procs``)."""
    count = max(procs, -(-len(ids) * procs // store.COMMIT_EVERY))
    size = -(-len(ids) // count)
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def _commit(writer: writing.SegmentWriter, extra: list, **kwargs) -> None:
    """Commit ``writer`` together with segments that child processes wrote (as Whoosh's
    multi-process writer does with ``multisegment``: they join the table of contents,
    before the writer's own segment)."""
    if not extra:
        writer.commit(**kwargs)
        return
    try:
        segments = writer._merge_segments(kwargs.get("mergetype"), False, kwargs.get("merge"))  # noqa: SLF001
        segments += extra
        if writer._added:  # noqa: SLF001
            segments.append(writer._finalize_segment())  # noqa: SLF001
        else:
            writer._close_segment()  # noqa: SLF001
        writer._commit_toc(segments)  # noqa: SLF001
    except BaseException:
        writer.cancel()
        raise
    writer._finish()  # noqa: SLF001


def _collect(children: list[bulk.Child], check: bool = True) -> list:
    """Wait for every child (no zombies) and return their segments, in order; raise for
    the first that failed."""
    results = [bulk.result(child) for child in children]
    failed = [value for ok, value in results if not ok]
    if failed and check:
        raise RuntimeError(f"a search index writer process failed: {failed[0]}")
    return [value for ok, value in results if ok]


def _fork_segment(ix: index.Index, load: Callable[[list[int]], Iterable[IndexDoc]], ids: list[int]) -> bulk.Child:
    """Fork a child that reads the documents of ``ids`` with ``load``, writes them into a
    new segment and sends the segment object back (None if there were none)."""
    def write_segment():
        sub = store.WriterWithFastPool(ix, _lk=False, compound=False, codec=W3Codec(blocklimit=store.BLOCK, compression=0))
        sub.pool.cleanup()
        sub.pool = store.FastPool()
        for doc in load(ids):
            store.add_document(sub, doc, False)
        if not sub._added:  # noqa: SLF001 - none still published
            sub._close_segment()  # noqa: SLF001
            return None
        # Its temporary folder is the parent's too: the parent's writer removes it.
        return sub._finalize_segment()  # noqa: SLF001
    return bulk.start(write_segment)
