"""The writer of `make bench-scale`'s dataset (benchmarks/scale_dataset.py): rows kept per
model and written with bulk_create, parents first, their timestamps as given."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Model
from django.utils import timezone


class Writer:
    """Rows waiting to be written, per model, flushed in the order of `models` (parents
    before children) in one transaction per flush."""

    def __init__(self, models: list[type[Model]], *, batch_size: int = 2_000):
        self.buffers: dict[type[Model], list[Model]] = {model: [] for model in models}
        self.batch_size = batch_size
        self.pending = 0
        self.written: Counter[str] = Counter()
        # Fields whose auto_now / auto_now_add is off while seeding: a row that leaves one
        # empty gets the seeding time.
        self.stamps: dict[type[Model], list[str]] = {}
        self.now = timezone.now()

    def add(self, row: Model) -> Model:
        self.buffers[type(row)].append(row)
        self.pending += 1
        return row

    def flush_if_full(self, limit: int = 60_000) -> None:
        if self.pending >= limit:
            self.flush()

    def flush(self) -> None:
        with transaction.atomic():
            for model, rows in self.buffers.items():
                if not rows:
                    continue
                for name in self.stamps.get(model, ()):
                    for row in rows:
                        if getattr(row, name) is None:
                            setattr(row, name, self.now)
                model._default_manager.bulk_create(rows, batch_size=self.batch_size)
                self.written[model._meta.label] += len(rows)
                rows.clear()
        self.pending = 0

    @contextmanager
    def explicit_timestamps(self) -> Iterator[None]:
        """Switch auto_now and auto_now_add off on every model written, so the rows keep
        the historical times given to them."""
        patched = []
        for model in self.buffers:
            for f in model._meta.concrete_fields:
                flags = (getattr(f, "auto_now", False), getattr(f, "auto_now_add", False))
                if any(flags):
                    patched.append((f, flags))
                    setattr(f, "auto_now", False)  # noqa: B010 (DateTimeField's, not Field's)
                    setattr(f, "auto_now_add", False)  # noqa: B010
                    self.stamps.setdefault(model, []).append(f.attname)
        try:
            yield
        finally:
            for f, (auto_now, auto_now_add) in patched:
                setattr(f, "auto_now", auto_now)  # noqa: B010
                setattr(f, "auto_now_add", auto_now_add)  # noqa: B010
