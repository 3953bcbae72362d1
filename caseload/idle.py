"""Idle lock: a watch over two clocks that notices both idleness and a suspended laptop.

``elapsed`` must keep running while the machine sleeps (``CLOCK_BOOTTIME`` on Linux, the wall clock
elsewhere); ``awake`` is the monotonic clock, which stops during suspend on Linux and macOS. A tick that
finds ``elapsed`` moved much further than ``awake`` (or finds a long gap since the last tick at all) means the
machine was suspended or the process was stopped: lock. No Textual here, so the rules are unit-tested.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol


class Clocks(Protocol):
    """The two clocks the idle watch needs (injected, so tests can simulate a 2-hour suspend)."""

    def elapsed(self) -> float:
        """Seconds on a clock that advances during suspend."""
        ...

    def awake(self) -> float:
        """Seconds on a monotonic clock (may stop during suspend)."""
        ...


class SystemClocks:
    """The real clocks of this machine."""

    def elapsed(self) -> float:
        """``CLOCK_BOOTTIME`` where there is one (Linux), else the wall clock."""
        boottime = getattr(time, "CLOCK_BOOTTIME", None)
        if boottime is not None:
            return time.clock_gettime(boottime)
        return time.time()

    def awake(self) -> float:
        """The monotonic clock."""
        return time.monotonic()


@dataclass
class FakeClocks:
    """Clocks for tests: ``advance`` is awake time, ``suspend`` is time asleep (only ``elapsed`` moves)."""

    at_elapsed: float = 1000.0
    at_awake: float = 1000.0

    def elapsed(self) -> float:
        """Fake elapsed seconds."""
        return self.at_elapsed

    def awake(self) -> float:
        """Fake awake seconds."""
        return self.at_awake

    def advance(self, seconds: float) -> None:
        """Time passes with the machine awake."""
        self.at_elapsed += seconds
        self.at_awake += seconds

    def suspend(self, seconds: float) -> None:
        """The machine sleeps for ``seconds``."""
        self.at_elapsed += seconds


@dataclass
class IdleWatch:
    """Decides when to lock. Call :meth:`touch` on input and :meth:`check` about once a second."""

    limit_s: float
    clocks: Clocks
    suspend_gap_s: float = 20.0
    _last_input: float = field(init=False)
    _last_tick: tuple[float, float] = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start counting afresh (after unlock)."""
        self._last_input = self.clocks.elapsed()
        self._last_tick = (self._last_input, self.clocks.awake())

    def touch(self) -> None:
        """The user pressed a key or used the mouse."""
        self._last_input = self.clocks.elapsed()

    def idle_for(self) -> float:
        """Seconds since the last input, suspend included."""
        return self.clocks.elapsed() - self._last_input

    def check(self) -> str | None:
        """``"suspend"`` if a suspend or stop was detected since the last check, ``"idle"`` if the limit has
        passed, else None."""
        now_e, now_a = self.clocks.elapsed(), self.clocks.awake()
        last_e, last_a = self._last_tick
        self._last_tick = (now_e, now_a)
        gap = now_e - last_e
        if gap - (now_a - last_a) > self.suspend_gap_s or gap > self.suspend_gap_s * 3:
            return "suspend"
        if now_e - self._last_input >= self.limit_s:
            return "idle"
        return None
