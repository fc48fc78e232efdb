"""What a seed run made and found, and the error that stops it."""

from collections import Counter
from dataclasses import dataclass, field


class SeedError(Exception):
    """The demo data cannot be created; the message says why."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    logins: list = field(default_factory=list)
    applications: list = field(default_factory=list)

    def count(self, kind: str, created: bool):
        (self.created if created else self.found)[kind] += 1
