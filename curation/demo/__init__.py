"""Demo data for a development or training install: `manage.py seed_demo`.

The reference data, one login per role, ten businesses of Kediri and Blitar with their
products and documents, and one application in each of the ten states. The data lives in
`data/people.json` and `data/businesses.json`, in the shapes `specs` declares; `loader`
reads and checks them. Every application is moved along its path in the file by the
workflow's own services acting as the demo people (`play`), so its audit trail,
scoresheets, packaging reviews and notices are exactly those real use would leave.

Idempotent: people are found by username, businesses by NIB, products by business and
name, a document by its business, product and type; a product that already has an
application is left alone. A second run adds and changes nothing.

Every login shares one published password, so this refuses to run with DEBUG off.
"""

from curation.demo.loader import DemoDataError, read_businesses, read_people
from curation.demo.report import SeedError, SeedReport
from curation.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seeded, seed_demo

__all__ = [
    "BUSINESSES",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "PEOPLE",
    "DemoDataError",
    "SeedError",
    "SeedReport",
    "demo_seeded",
    "read_businesses",
    "read_people",
    "seed_demo",
]


def __getattr__(name: str):
    # PEOPLE and BUSINESSES are read from the data files when first asked for, not when
    # this package is imported: a malformed file then reaches seed_demo as a SeedError
    # (a CommandError naming the file and key) instead of breaking every import.
    if name == "PEOPLE":
        return read_people()
    if name == "BUSINESSES":
        return read_businesses()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
