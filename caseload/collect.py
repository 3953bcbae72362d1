"""Full garbage collections while the user is quiet, not in the middle of a keystroke.

Python's cyclic garbage collector now and then walks the whole heap (a "generation 2" collection). With a
10,000-case service loaded that walk takes 60–120 ms, and by default it starts whenever enough allocations
have happened — which is exactly while a key is being handled (a case opening, a tab filling): the benchmark
saw one in about one key in ten, each adding a visible pause. While the app runs, :class:`QuietCollector`
makes those automatic full collections rare (the young generations are collected as usual) and instead runs
a full collection once the user has been quiet for a second and there is something to collect. Reference
counting frees almost everything at once as before; only objects in reference cycles wait, for the next quiet
second (or, in a long stretch of typing, for the raised threshold).
"""

from __future__ import annotations

import gc

FULL_COLLECTION_THRESHOLD = 1000
"""Generation-2 threshold while the app runs (CPython's default is 10): an automatic full collection only
after about this many generation-1 collections — millions of allocations; the quiet collection comes first."""
QUIET_S = 1.0
"""Seconds without a key or mouse press before a full collection may run."""


class QuietCollector:
    """Moves full collections to quiet moments. ``start`` on mount, ``tick`` about once a second, ``stop`` on
    unmount (restores the thresholds it found)."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Raise the generation-2 threshold (once; a second start keeps the first saved thresholds)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _old = self._saved
            gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)

    def stop(self) -> None:
        """Put the thresholds back as they were."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def tick(self, idle_for: float) -> bool:
        """Run a full collection if the user has been quiet for ``QUIET_S`` and generation-1 collections have
        happened since the last full one (so there may be cycles to free). True if it ran."""
        if idle_for < QUIET_S or not gc.isenabled() or gc.get_count()[2] == 0:
            return False
        gc.collect()
        return True
