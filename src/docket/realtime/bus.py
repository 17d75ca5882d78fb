"""Alerts handed from the processor to the people listening: each subscriber hears only the
alerts of the cases it may read (checked again for every alert), in order, as they come.

A subscription is a thread-safe queue; the service's SSE endpoint drains it. Nothing here
is durable: an alert is stored and audited before it is published, and a subscriber that
connects later reads the stored ones (`docket alerts`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from docket.realtime.alerts import Alert


@dataclass(eq=False)
class Subscription:
    user: str
    may_read: Callable[[str], bool]  # case id → may this user read it now
    inbox: queue.Queue[Alert] = field(default_factory=queue.Queue)

    def get(self, timeout: float) -> Alert | None:
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None


class AlertBus:
    """Fan-out of published alerts to the subscriptions whose user may read their case."""

    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, user: str, may_read: Callable[[str], bool]) -> Subscription:
        sub = Subscription(user, may_read)
        with self._lock:
            self._subs.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def publish(self, alerts: list[Alert]) -> int:
        """Hand each alert to every subscriber that may read its case; returns deliveries."""
        with self._lock:
            subs = list(self._subs)
        n = 0
        for a in alerts:
            for sub in subs:
                if sub.may_read(a.case_id):
                    sub.inbox.put(a)
                    n += 1
        return n
