"""The names, shares and times of `make bench-scale`'s dataset (benchmarks/scale_dataset.py):
what it is drawn from. Imports no model: benchmarks/scale.py reads it before Django is
set up."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.roles import Role
from kernel.states import FINAL_STATES, State

SEED_VERSION = 6

# Staff, MSMEs and the superuser can all sign in with this password; staff with a TOTP
# code for this secret too (nothing here is for production: the data is invented).
PASSWORD = "siap-bench-scale"
TOTP_SECRET = "KRSXG5CTNFQXAQLTMNQWYZLCMVXGG2DF"
PERSONA_MSME = "umkm-bench"
# The planted curator: the timed curator at every size, with the same desk at every size
# (`plan_persona`); the region of the planted businesses, which the filtered overview uses.
PERSONA_CURATOR = "kurator-bench"
DESK_OWNER = "umkm-desk-bench"
PLANTED_REGION = "35.71"
SUPERUSER = "admin-bench"
# The businesses that agreed to be listed in the public catalogue (the planted ones too):
# nearly all, so that about 20,000 products are listed at 100,000 applications, as issue
# #12 asks (0.8 listed 16,753).
LISTED_SHARE = 0.96
# The key suffix of the staff personas with the longest queue of their role in the data.
BUSIEST = "@busiest"
# What the searches look for: the planted MSME's businesses' names ("Sambal Bu Rini",
# "Kopi Kelud Bu Rini"), in no other name, so a search finds the same applications at
# every size and its time shows what the data behind it costs. (A common word finds a
# hundred times more at 100,000 than at 1,000: its time grows with what it finds.)
SEARCH_TERM = "bu rini"

# Shares of the applications in each state, in percent.
STATE_SHARES: dict[str, float] = {
    State.DRAFT: 18.0,
    State.SUBMITTED: 2.0,
    State.IN_CURATION: 3.0,
    State.REVISION_REQUESTED: 1.2,
    State.PACKAGING_REVIEW: 1.8,
    State.PACKAGING_REVISION: 0.8,
    State.AWAITING_CERTIFICATION: 1.5,
    State.CERTIFIED: 38.0,
    State.REJECTED: 23.0,
    State.WITHDRAWN: 10.7,
}
OPEN_STATES = [s for s in STATE_SHARES if s not in FINAL_STATES]

# Each office's targets (offices.StageTarget), in working days: the states the office
# owns. How long the open applications have been in their state is drawn up to about 1.5
# times the target in calendar days (revision states, which wait on the MSME, up to 21),
# so part of them are overdue.
TARGET_DAYS: dict[str, int] = {
    State.SUBMITTED: 3,
    State.IN_CURATION: 14,
    State.PACKAGING_REVIEW: 7,
    State.AWAITING_CERTIFICATION: 5,
}
MSME_WAIT_DAYS = {State.REVISION_REQUESTED: 21.0, State.PACKAGING_REVISION: 21.0}
AGE_DAYS: dict[str, float] = {
    State.DRAFT: 120.0,
    **MSME_WAIT_DAYS,
    **{s: d * 1.5 for s, d in TARGET_DAYS.items()},
}

# How long each step takes after the one before (days, uniformly between).
STEP_DAYS = {
    "submit": (1, 30),
    "assign_curators": (0.2, 6),
    "request_revision": (4, 20),
    "resubmit": (2, 20),
    "pass_curation": (5, 25),
    "request_packaging_changes": (2, 10),
    "resubmit_packaging": (3, 20),
    "approve_packaging": (1, 10),
    "certify": (1, 7),
    "reject": (1, 15),
    "withdraw": (1, 40),
}
# From a finished application to the product's next one.
NEXT_APPLICATION_DAYS: dict[str, tuple[float, float]] = {
    State.REJECTED: (3, 90),
    State.CERTIFIED: (400, 700),
    State.WITHDRAWN: (10, 200),
}


@dataclass(frozen=True)
class OfficeSpec:
    slug: str
    regions: tuple[str, ...]
    weight: float


OFFICES = (
    # The planted office: Kota Kediri alone, where only the planted businesses are (weight
    # 0: no generated business lands there), so its staff's queues hold the same rows at
    # every size (see PLANTED_REGION). Kabupaten Kediri has an office of its own.
    OfficeSpec("kotakediri", (PLANTED_REGION,), 0),
    OfficeSpec("kediri", ("35.06",), 14),
    OfficeSpec("blitar", ("35.72", "35.05"), 9),
    OfficeSpec("nganjuk", ("35.18", "35.17"), 9),
    OfficeSpec("tulungagung", ("35.04", "35.03"), 8),
    OfficeSpec("banyuwangi", ("35.10",), 8),
    OfficeSpec("malang", ("35.73",), 17),
    OfficeSpec("surabaya", ("35.78",), 28),
    OfficeSpec("kuburaya", ("61.12",), 7),
)
STAFF_PREFIX: dict[str, str] = {
    Role.COORDINATOR: "koordinator",
    Role.CURATOR: "kurator",
    Role.PACKAGING_REVIEWER: "reviewer",
    Role.CERTIFYING_OFFICER: "pejabat",
    Role.REGIONAL_ADMIN: "kepala",
}


def staffing(applications: float) -> dict[str, int]:
    """How many of each staff role an office with this many applications has."""
    return {
        Role.COORDINATOR: max(1, round(applications / 8_000)),
        Role.CURATOR: max(3, round(applications / 400)),
        Role.PACKAGING_REVIEWER: max(1, round(applications / 5_000)),
        Role.CERTIFYING_OFFICER: max(1, round(applications / 10_000)),
        Role.REGIONAL_ADMIN: 1,
    }


# Words for names.
# fmt: off
FIRST_NAMES = (
    "Sri", "Budi", "Wahyu", "Siti", "Agus", "Dewi", "Rini", "Darto", "Eko", "Yuni", "Heri",
    "Lestari", "Bambang", "Ratna", "Joko", "Wati", "Slamet", "Endang", "Hadi", "Nur", "Tri",
    "Dwi", "Puji", "Sugeng", "Yanti", "Anik", "Rudi", "Fitri", "Bayu", "Indah",
)
LAST_NAMES = (
    "Santoso", "Wijaya", "Rahayu", "Susanto", "Hartono", "Pratama", "Kusuma", "Setiawan",
    "Purnomo", "Hidayat", "Saputra", "Wibowo", "Nugroho", "Utami", "Handayani", "Prasetyo",
    "Suryani", "Kurniawan", "Maharani", "Firmansyah",
)
BUSINESS_PREFIXES = ("UD", "CV", "UMKM", "KUB", "Home Industry", "PT")
BUSINESS_WORDS = (
    "Sumber", "Maju", "Berkah", "Jaya", "Rejeki", "Makmur", "Sejahtera", "Lestari", "Abadi",
    "Mandiri", "Sentosa", "Barokah", "Tunas", "Mulia", "Karya", "Sari", "Mekar", "Putra",
    "Citra", "Agung",
)
STREETS = (
    "Dhoho", "Brawijaya", "Hayam Wuruk", "Diponegoro", "Sudirman", "Ahmad Yani", "Pahlawan",
    "Merdeka", "Veteran", "Kawi", "Semeru", "Mastrip", "Joyoboyo",
)
PRODUCTS = {
    "processed_food": (
        "Keripik Pisang",
        "Keripik Tempe",
        "Stik Tahu",
        "Rengginang",
        "Kerupuk Udang",
        "Dodol Nanas",
        "Abon Lele",
        "Jenang Kudus",
        "Keripik Singkong",
        "Bakpia Kacang Hijau",
    ),
    "sauces_condiments": (
        "Sambal Pecel",
        "Sambal Bawang",
        "Bumbu Rujak",
        "Kecap Manis",
        "Petis Udang",
        "Sambal Roa",
    ),
    "coffee_spices": (
        "Kopi Robusta",
        "Kopi Arabika",
        "Kopi Luwak",
        "Jahe Merah Bubuk",
        "Kunyit Bubuk",
        "Cokelat Bubuk",
    ),
    "beverages": (
        "Sari Belimbing",
        "Wedang Uwuh",
        "Jamu Kunyit Asam",
        "Sirup Markisa",
        "Teh Rosella",
    ),
    "musical_instruments": ("Djembe", "Kendang", "Angklung", "Gamelan Mini", "Ukulele Bambu"),
    "handicraft_carving": (
        "Tas Batok Kelapa",
        "Topeng Kayu",
        "Ukiran Jati",
        "Miniatur Perahu",
        "Gantungan Kunci Kayu",
    ),
    "basketry": ("Keranjang Bambu", "Tas Anyaman Pandan", "Tampah Rotan", "Kap Lampu Rotan"),
    "furniture": ("Kursi Rotan", "Meja Jati", "Rak Bambu", "Bangku Trembesi"),
    "textiles": ("Tenun Ikat", "Batik Tulis", "Batik Cap", "Songket", "Lurik"),
    "apparel": ("Kemeja Batik", "Daster Batik", "Kaos Sablon", "Hijab Tenun"),
}
CATEGORY_WEIGHTS = {
    "processed_food": 20,
    "sauces_condiments": 12,
    "coffee_spices": 12,
    "beverages": 8,
    "musical_instruments": 5,
    "handicraft_carving": 12,
    "basketry": 8,
    "furniture": 6,
    "textiles": 10,
    "apparel": 7,
}
VARIANTS = (
    "Original", "Pedas", "Premium", "Kelud", "Brantas", "Dhoho", "Joyoboyo", "Mataraman",
    "Ekspor", "Klasik", "Mini", "Super", "Asli", "Spesial", "Nusantara", "Wilis",
)
MARKET_WEIGHTS = {
    "my": 18,
    "sg": 14,
    "jp": 12,
    "us": 12,
    "eu": 10,
    "au": 8,
    "cn": 8,
    "sa": 6,
    "ae": 6,
    "kr": 6,
}
# fmt: on
# Products per business: (how many, weight).
PRODUCTS_PER_BUSINESS = ((1, 40), (2, 25), (3, 15), (4, 5), (5, 4), (6, 3), (8, 3), (12, 3))
PRODUCTS_PER_BUSINESS_TAIL = (16, 40)  # 2 % of businesses: this many, uniformly

REVISION_MESSAGES = (
    "Lengkapi hasil uji laboratorium terbaru.",
    "Foto kemasan belum menunjukkan label komposisi.",
    "Kapasitas produksi bulanan perlu bukti pendukung.",
    "Please add the lab test report and a clearer label photo.",
)
REJECT_REASONS = (
    "Produk belum memenuhi standar mutu ekspor.",
    "Dokumen legalitas tidak sesuai dengan data usaha.",
    "Skor kurasi di bawah ambang batas.",
    "Not our region's product.",
)
PACKAGING_NOTES = (
    "Tambahkan keterangan negara asal.",
    "Berat bersih harus dalam satuan metrik.",
    "Kode produksi tidak terbaca.",
    "Label bahasa tujuan belum ada.",
)
