"""Full garbage collections move to quiet moments while the app runs, and the thresholds come back after."""

from __future__ import annotations

import gc
import weakref

from caseload.collect import FULL_COLLECTION_THRESHOLD, QUIET_S, QuietCollector


def test_start_raises_the_full_collection_threshold_and_stop_restores_it() -> None:
    before = gc.get_threshold()
    collector = QuietCollector()
    collector.start()
    try:
        assert gc.get_threshold() == (before[0], before[1], FULL_COLLECTION_THRESHOLD)
        collector.start()  # a second start keeps the thresholds it found first
    finally:
        collector.stop()
    assert gc.get_threshold() == before
    collector.stop()  # harmless twice
    assert gc.get_threshold() == before


def test_tick_collects_only_when_quiet_and_there_is_work() -> None:
    collector = QuietCollector()
    gc.collect()
    assert gc.get_count()[2] == 0
    assert not collector.tick(QUIET_S * 10)  # nothing since the last full collection
    gc.collect(1)  # a generation-1 collection: cycles may now wait in generation 2
    assert gc.get_count()[2] > 0
    assert not collector.tick(QUIET_S / 2)  # the user is typing: not now
    assert gc.get_count()[2] > 0
    assert collector.tick(QUIET_S)
    assert gc.get_count()[2] == 0


def test_tick_frees_a_reference_cycle_after_a_quiet_second() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    freed: list[bool] = []

    collector = QuietCollector()
    node = Node()
    ref = weakref.ref(node, lambda _r: freed.append(True))
    gc.collect()  # still referenced: it survives into the oldest generation
    del node  # now a cycle nobody refers to, in the oldest generation
    gc.collect(1)  # young collections do not reach it
    assert ref() is not None and not freed
    assert collector.tick(QUIET_S)
    assert ref() is None and freed


def test_tick_leaves_a_paused_collector_alone() -> None:
    collector = QuietCollector()
    gc.collect(1)
    gc.disable()
    try:
        assert not collector.tick(QUIET_S * 10)
    finally:
        gc.enable()
