"""Demo data for a development or training install: `manage.py seed_demo`.

The reference data, one login per role, ten businesses of Kediri and Blitar with their
products and documents, and one application in each of the ten states. Every application
is moved by the workflow's own services acting as the demo people, so its audit trail,
scoresheets, packaging reviews and notices are exactly those real use would leave.

Idempotent: people are found by username, businesses by NIB, products by business and
name, a document by its business, product and type; a product that already has an
application is left alone. A second run adds and changes nothing.

Every login shares one published password, so this refuses to run with DEBUG off.
"""

import io
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from assessments.services import packaging_review_save, scoresheet_save
from curation import services
from curation.checks import packaging_items
from curation.errors import WorkflowError
from curation.models import Application
from curation.reference import load_reference_data
from curation.roles import Role
from products.models import (
    Business,
    Category,
    ConflictOfInterest,
    Document,
    DocumentType,
    Market,
    Membership,
    Product,
    Region,
)
from products.uploads import inspect_upload

DEMO_PASSWORD = "siap-ekspor-demo"
# The reserved .test domain (RFC 6761): no demo address can ever receive mail.
EMAIL_DOMAIN = "demo.siap-ekspor.test"
KOTA_KEDIRI, KAB_KEDIRI, KOTA_BLITAR, KAB_BLITAR = "35.71", "35.06", "35.72", "35.05"
DEMO_REGIONS = (KOTA_KEDIRI, KAB_KEDIRI, KOTA_BLITAR, KAB_BLITAR)
# The default rubric's criteria, in the order the scores below are written.
CRITERIA = (
    "legality",
    "quality_safety",
    "capacity_continuity",
    "packaging_labeling",
    "price_competitiveness",
    "uniqueness_brand",
    "market_digital",
    "management_traceability",
)
DEMO_NOTICE = (
    "DOKUMEN CONTOH UNTUK DEMO SIAP EKSPOR - BUKAN DOKUMEN RESMI.",
    "Demo data for Siap Ekspor - not a real document.",
)


class SeedError(Exception):
    """The demo data cannot be created; the message says why."""


# The people.


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    language: str
    roles: tuple[Role, ...] = ()
    regions: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False
    note: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


PEOPLE = (
    Person(
        "umkm",
        "Rini",
        "Wulandari",
        "id",
        roles=(Role.MSME,),
        note="owner of seven of the demo businesses",
    ),
    Person(
        "koordinator",
        "Hendra",
        "Prasetyo",
        "id",
        roles=(Role.COORDINATOR,),
        regions=DEMO_REGIONS,
        is_staff=True,
    ),
    Person(
        "kurator1",
        "Sulastri",
        "Handayani",
        "id",
        roles=(Role.CURATOR,),
        regions=DEMO_REGIONS,
        is_staff=True,
        note="lead curator on most applications",
    ),
    Person(
        "kurator2",
        "Anna",
        "de Vries",
        "en",
        roles=(Role.CURATOR,),
        regions=DEMO_REGIONS,
        is_staff=True,
        note="EU-market curator; lead on two applications",
    ),
    Person(
        "kurator3",
        "Bambang",
        "Sutrisno",
        "id",
        roles=(Role.CURATOR,),
        regions=DEMO_REGIONS,
        is_staff=True,
        note="declared a conflict of interest with Tahu Takwa Pak Darto",
    ),
    Person(
        "reviewer",
        "Ayu",
        "Kartikasari",
        "en",
        roles=(Role.PACKAGING_REVIEWER,),
        regions=DEMO_REGIONS,
        is_staff=True,
    ),
    Person(
        "pejabat",
        "Agus",
        "Santoso",
        "id",
        roles=(Role.CERTIFYING_OFFICER,),
        regions=DEMO_REGIONS,
        is_staff=True,
    ),
    Person("eksportir", "Kevin", "Halim", "en", roles=(Role.EXPORTER,)),
    Person(
        "kepala",
        "Endang",
        "Susilowati",
        "id",
        roles=(Role.REGIONAL_ADMIN,),
        regions=DEMO_REGIONS,
        is_staff=True,
    ),
    Person(
        "admin",
        "Admin",
        "Siap Ekspor",
        "en",
        regions=DEMO_REGIONS,
        is_staff=True,
        is_superuser=True,
        note="superuser",
    ),
    Person("darto", "Sudarto", "", "id", roles=(Role.MSME,), note="owner of Tahu Takwa Pak Darto"),
    Person(
        "sri", "Sri", "Rahayu", "id", roles=(Role.MSME,), note="owner of Keripik Pisang Mbok Sri"
    ),
    Person(
        "wahyu",
        "Wahyu",
        "Hidayat",
        "id",
        roles=(Role.MSME,),
        note="owner of Anyaman Bambu Kalipucung",
    ),
)

# (curator, business NIB, reason): declarations that keep a curator off a business.
CONFLICTS = (("kurator3", "9120103572146", "Pak Sudarto adalah paman saya."),)


# Documents and the steps an application takes.


@dataclass(frozen=True)
class Doc:
    """A document as its holder would upload it.

    Its dates count from the day of seeding (issued `age_days` before, valid for
    `valid_years`), so a demo seeded next year has no expired permits either; "{yy}" in
    the number stands for the expiry year's last two digits, as a P-IRT number prints it.
    """

    kind: str
    number: str = ""
    age_days: int | None = None
    valid_years: int | None = None
    lines: tuple[str, ...] = ()

    def dates(self, today: date) -> tuple[date | None, date | None]:
        if self.age_days is None:
            return None, None
        issued = today - timedelta(days=self.age_days)
        if self.valid_years is None:
            return issued, None
        try:
            return issued, issued.replace(year=issued.year + self.valid_years)
        except ValueError:  # 29 February, into a year that has none
            return issued, issued.replace(year=issued.year + self.valid_years, day=28)

    def printed_number(self, expires_on: date | None) -> str:
        if expires_on is None:
            return self.number
        return self.number.replace("{yy}", f"{expires_on.year % 100:02d}")


@dataclass(frozen=True)
class Submit:
    comment: str = ""


@dataclass(frozen=True)
class AssignCurators:
    curators: tuple[str, ...]
    lead: str
    comment: str = ""


@dataclass(frozen=True)
class Score:
    """A curator's submitted scoresheet; `marks` follow CRITERIA."""

    curator: str
    marks: tuple[int, ...]
    recommendation: str
    comment: str = ""
    notes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RequestRevision:
    by: str
    message: str


@dataclass(frozen=True)
class Upload:
    """A document the MSME uploads in the middle of the workflow (an answer to a request)."""

    doc: Doc


@dataclass(frozen=True)
class Resubmit:
    answer: str


@dataclass(frozen=True)
class PassCuration:
    comment: str = ""


@dataclass(frozen=True)
class ReviewPackaging:
    """The reviewer's checklist: every applicable item passes except those named here."""

    failed: dict = field(default_factory=dict)
    not_applicable: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RequestPackagingChanges:
    comment: str


@dataclass(frozen=True)
class ResubmitPackaging:
    comment: str


@dataclass(frozen=True)
class ApprovePackaging:
    comment: str = ""


@dataclass(frozen=True)
class Certify:
    comment: str = ""


@dataclass(frozen=True)
class Reject:
    by: str
    reason: str


@dataclass(frozen=True)
class Withdraw:
    comment: str = ""


@dataclass(frozen=True)
class DemoProduct:
    name: str
    category: str
    hs_code: str
    description: str
    materials: str
    monthly_capacity: str
    capacity_unit: str
    fob_price: str
    markets: tuple[str, ...]
    label: tuple[str, ...]
    colour: tuple[int, int, int]
    state: str
    steps: tuple = ()
    shelf_life_days: int | None = None
    documents: tuple[Doc, ...] = ()
    photos: tuple[str, ...] = ("product_photo", "packaging_photo")


@dataclass(frozen=True)
class DemoBusiness:
    name: str
    nib: str
    npwp: str
    registered_on: date
    address: str
    region: str
    size: str
    phone: str
    owner: str
    products: tuple[DemoProduct, ...]
    documents: tuple[Doc, ...] = ()


def _lab_report(*results: str) -> tuple[str, ...]:
    return ("Laboratorium penguji terakreditasi KAN", *results)


BUSINESSES = (
    DemoBusiness(
        name="UD Jimbe Tanggung Jaya",
        nib="9120207351846",
        npwp="0845123374653000",
        registered_on=date(2021, 8, 16),
        address="Jl. Cemara No. 17, Kel. Tanggung, Kec. Kepanjenkidul, Kota Blitar 66117",
        region=KOTA_BLITAR,
        size=Business.Size.SMALL,
        phone="+62 812-3300-1717",
        owner="umkm",
        documents=(Doc("trademark", "IDM001078542", age_days=1480, valid_years=10),),
        products=(
            DemoProduct(
                name="Djembe Kayu Mahoni 60 cm",
                category="musical_instruments",
                hs_code="92060000",
                description=(
                    "Djembe tangan dari satu gelondong kayu mahoni, kulit kambing, ukiran motif "
                    "khas Blitar. / Hand-carved one-piece mahogany djembe with goatskin head and "
                    "Blitar carving, rope-tuned, 60 cm high, 30 cm head."
                ),
                materials=(
                    "Kayu mahoni (Swietenia mahagoni) dari hutan rakyat, dokumen V-Legal (SVLK); "
                    "kulit kambing; tali nilon; ring besi galvanis"
                ),
                monthly_capacity="300",
                capacity_unit="pieces",
                fob_price="38.00",
                markets=("au", "jp"),
                label=("TANGGUNG JAYA DJEMBE", "Hand-carved mahogany, 60 cm", "Made in Indonesia"),
                colour=(122, 74, 38),
                state="certified",
                steps=(
                    Submit("Mohon dikurasi untuk pengiriman perdana ke Australia dan Jepang."),
                    AssignCurators(
                        ("kurator1", "kurator2"),
                        lead="kurator1",
                        comment="Bu Sulastri sebagai ketua; Ms de Vries untuk pasar Australia dan Jepang.",
                    ),
                    Score(
                        "kurator1",
                        (5, 4, 4, 5, 4, 5, 4, 4),
                        "pass",
                        "Produk unggulan Blitar, siap ekspor.",
                        notes={
                            "legality": "NIB, NPWP, merek terdaftar dan dokumen V-Legal lengkap.",
                            "capacity_continuity": "300 unit/bulan dengan 14 perajin; stok kayu aman 8 bulan.",
                            "uniqueness_brand": "Ukiran motif khas Blitar, finishing rapi: pembeda kuat di Jepang.",
                        },
                    ),
                    Score(
                        "kurator2",
                        (4, 4, 4, 5, 4, 5, 4, 4),
                        "pass",
                        "Strong candidate for Australia and Japan.",
                        notes={
                            "quality_safety": "Consistent shells and well-tuned heads on all five samples.",
                            "price_competitiveness": "FOB USD 38 is competitive with West African imports.",
                            "market_digital": "Online shop and a repeat buyer in Melbourne; needs an English catalogue.",
                        },
                    ),
                    PassCuration("Lulus kurasi dengan nilai A. Lanjut ke tinjauan kemasan."),
                    ReviewPackaging(
                        failed={
                            "importer_identity": "The label for Japan does not name the importer yet."
                        },
                        not_applicable={"barcode": "Sold per piece in an export carton."},
                    ),
                    RequestPackagingChanges(
                        "Please add the Japanese importer's name and address to the label and "
                        "upload a photo of the new label."
                    ),
                    Upload(
                        Doc("packaging_photo", lines=("Importer: Wa-Daiko Trading Co., Osaka",))
                    ),
                    ResubmitPackaging(
                        "Label baru sudah mencantumkan importir Jepang: Wa-Daiko Trading Co., Osaka."
                    ),
                    ReviewPackaging(
                        not_applicable={"barcode": "Sold per piece in an export carton."}
                    ),
                    ApprovePackaging("All mandatory items pass; ISPM 15 crates confirmed."),
                    Certify("Dokumen lengkap dan sah. Sertifikat kesiapan ekspor diterbitkan."),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Sambal Pecel Bu Rini",
        nib="9120301468275",
        npwp="3505124508780002",
        registered_on=date(2020, 2, 10),
        address="Jl. Raya Srengat No. 45, Desa Dandong, Kec. Srengat, Kab. Blitar 66152",
        region=KAB_BLITAR,
        size=Business.Size.MICRO,
        phone="+62 857-4900-2045",
        owner="umkm",
        products=(
            DemoProduct(
                name="Sambal Pecel Bu Rini 200 g",
                category="sauces_condiments",
                hs_code="21039090",
                description=(
                    "Bumbu pecel kering khas Blitar: cukup diseduh air panas untuk sayur rebus. / "
                    "Dry peanut-chili pecel paste from Blitar: add hot water and pour over "
                    "steamed vegetables. Pouch with zip lock, 200 g."
                ),
                materials=(
                    "Kacang tanah (55%), gula kelapa, cabai merah, bawang putih, kencur, daun "
                    "jeruk, garam, asam jawa"
                ),
                monthly_capacity="4000",
                capacity_unit="pouches",
                fob_price="1.85",
                markets=("my", "sg"),
                shelf_life_days=180,
                label=("SAMBAL PECEL BU RINI", "Peanut chili paste 200 g", "Made in Indonesia"),
                colour=(176, 58, 46),
                documents=(
                    Doc("pirt", "2063505010123-{yy}", age_days=620, valid_years=5),
                    Doc("halal", "ID35110002418570224", age_days=640, valid_years=4),
                    Doc(
                        "lab_test",
                        lines=_lab_report(
                            "Kadar air: 4,8 %",
                            "Angka lempeng total: < 1 x 10^3 koloni/g",
                            "Aflatoksin total: 6 ug/kg (batas 15 ug/kg)",
                        ),
                    ),
                ),
                state="awaiting_certification",
                steps=(
                    Submit("Produk sudah dijual ke reseller di Johor Bahru lewat kiriman pos."),
                    AssignCurators(
                        ("kurator2", "kurator3"),
                        lead="kurator2",
                        comment="Ms de Vries memimpin (pasar Malaysia dan Singapura); Pak Bambang untuk pangan.",
                    ),
                    Score(
                        "kurator2",
                        (4, 4, 4, 4, 4, 4, 3, 3),
                        "pass",
                        "Good export candidate for Malaysia and Singapore.",
                        notes={
                            "quality_safety": "Lab report shows aflatoxin well under the limit.",
                            "market_digital": "Sells on marketplaces; no export price list yet.",
                        },
                    ),
                    Score(
                        "kurator3",
                        (4, 4, 3, 4, 4, 3, 3, 3),
                        "pass",
                        "Layak lanjut; kapasitas perlu ditambah untuk pesanan satu kontainer.",
                        notes={
                            "capacity_continuity": "Pasokan kacang dari petani Srengat stabil, tapi "
                            "baru 4.000 pouch/bulan.",
                        },
                    ),
                    PassCuration("Passed with grade B."),
                    ReviewPackaging(),
                    ApprovePackaging("Labels meet Malaysian and Singaporean requirements."),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="KUB Kopi Lereng Kelud",
        nib="9120405583910",
        npwp="0712345686551000",
        registered_on=date(2019, 6, 24),
        address="Dusun Sumberpetung, Desa Sempu, Kec. Ngancar, Kab. Kediri 64291",
        region=KAB_KEDIRI,
        size=Business.Size.SMALL,
        phone="+62 813-3500-6291",
        owner="umkm",
        products=(
            DemoProduct(
                name="Kopi Robusta Kelud Sangrai 250 g",
                category="coffee_spices",
                hs_code="090121",
                description=(
                    "Biji kopi robusta petik merah dari lereng Gunung Kelud (600-900 m dpl), "
                    "sangrai medium. / Red-cherry robusta from the slopes of Mount Kelud, "
                    "medium roast, whole beans, valve bag 250 g."
                ),
                materials="Biji kopi robusta (Coffea canephora) 100%",
                monthly_capacity="1200",
                capacity_unit="bags",
                fob_price="4.20",
                markets=("jp", "eu"),
                shelf_life_days=365,
                label=("KOPI LERENG KELUD", "Robusta, medium roast, 250 g", "Made in Indonesia"),
                colour=(78, 52, 38),
                documents=(
                    Doc("bpom_md", "MD 265113002417", age_days=480, valid_years=5),
                    Doc("halal", "ID35060003390120523", age_days=560, valid_years=4),
                ),
                state="packaging_review",
                steps=(
                    Submit("Target awal: roastery di Osaka dan importir di Rotterdam."),
                    AssignCurators(
                        ("kurator1", "kurator3"),
                        lead="kurator1",
                        comment="Pak Bambang berpengalaman di kopi; Bu Sulastri sebagai ketua.",
                    ),
                    RequestRevision(
                        "kurator1",
                        "Mohon unggah hasil uji laboratorium (kadar air, okratoksin A) dari "
                        "laboratorium terakreditasi KAN. Untuk Uni Eropa siapkan juga data "
                        "ketertelusuran kebun: EUDR berlaku bagi usaha kecil mulai 30 Juni 2027, "
                        "jadi titik koordinat kebun anggota perlu dipetakan.",
                    ),
                    Upload(
                        Doc(
                            "lab_test",
                            lines=_lab_report(
                                "Kadar air: 10,2 %",
                                "Okratoksin A: 1,2 ug/kg (batas UE 3,0 ug/kg)",
                                "Cacat biji: 28 nilai cacat (grade 3)",
                            ),
                        )
                    ),
                    Resubmit(
                        "Hasil uji laboratorium sudah kami unggah. Koordinat 42 kebun anggota KUB "
                        "sudah dipetakan bersama penyuluh dan siap dilampirkan untuk importir UE."
                    ),
                    Score(
                        "kurator1",
                        (4, 4, 4, 4, 3, 5, 4, 3),
                        "pass",
                        "Lulus setelah perbaikan; kopi Kelud punya cerita asal yang kuat.",
                        notes={
                            "uniqueness_brand": "Indikasi asal Kelud dan petik merah: nilai jual tinggi.",
                            "price_competitiveness": "Harga FOB sedikit di atas robusta Lampung.",
                        },
                    ),
                    Score(
                        "kurator3",
                        (4, 4, 3, 4, 4, 4, 3, 3),
                        "pass",
                        "Setuju lulus.",
                        notes={
                            "management_traceability": "Catatan panen per kebun sudah ada, "
                            "pencatatan sangrai per batch masih manual.",
                        },
                    ),
                    PassCuration("Lulus kurasi dengan nilai B setelah revisi."),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Kerajinan Batok Sumber Rejeki",
        nib="9120510274638",
        npwp="84.512.337.4-653.000",
        registered_on=date(2022, 1, 19),
        address="Dusun Krajan, Desa Sumberasri, Kec. Nglegok, Kab. Blitar 66181",
        region=KAB_BLITAR,
        size=Business.Size.MICRO,
        phone="+62 878-5520-6181",
        owner="umkm",
        products=(
            DemoProduct(
                name="Tas Tangan Batok Kelapa Ukir",
                category="handicraft_carving",
                hs_code="960200",
                description=(
                    "Tas tangan dari kepingan batok kelapa yang diampelas, diukir dan dipernis, "
                    "dengan lapisan kain katun. / Handbag of sanded, carved and lacquered "
                    "coconut-shell pieces on a cotton lining, 24 x 16 cm."
                ),
                materials="Batok kelapa tua, kain katun, pernis berbahan dasar air, ritsleting logam",
                monthly_capacity="600",
                capacity_unit="pieces",
                fob_price="7.50",
                markets=("au", "eu"),
                label=("SUMBER REJEKI CRAFT", "Coconut-shell handbag", "Blitar, Indonesia"),
                colour=(139, 101, 62),
                state="packaging_revision",
                steps=(
                    Submit("Sudah ada permintaan sampel dari toko suvenir di Perth."),
                    AssignCurators(
                        ("kurator1", "kurator2"),
                        lead="kurator1",
                        comment="Kerajinan untuk Australia dan Uni Eropa.",
                    ),
                    Score(
                        "kurator1",
                        (4, 3, 4, 3, 5, 4, 3, 3),
                        "pass",
                        "Layak ekspor; perhatikan label asal.",
                        notes={
                            "price_competitiveness": "Harga sangat bersaing untuk kerajinan tangan.",
                            "packaging_labeling": "Label asal masih berupa stiker.",
                        },
                    ),
                    Score(
                        "kurator2",
                        (4, 4, 4, 3, 4, 4, 4, 3),
                        "pass",
                        "Attractive product for EU gift shops.",
                        notes={
                            "quality_safety": "Water-based lacquer is a plus for the EU.",
                        },
                    ),
                    PassCuration("Lulus kurasi (nilai B)."),
                    ReviewPackaging(
                        failed={
                            "origin_marking": "'Made in Indonesia' is only on a peel-off sticker; "
                            "it must be permanent (heat-branded or a sewn-in label).",
                            "importer_identity": "No EU importer is named on the swing tag.",
                        },
                    ),
                    RequestPackagingChanges(
                        "Two mandatory items failed: permanent origin marking and the EU "
                        "importer's name. Please fix the tag and upload a photo."
                    ),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Tenun Ikat Bandar Kidul",
        nib="9120612395071",
        npwp="0236589147655000",
        registered_on=date(2018, 10, 5),
        address="Jl. KH. Agus Salim Gg. VI No. 12, Kel. Bandar Kidul, Kec. Mojoroto, Kota Kediri 64118",
        region=KOTA_KEDIRI,
        size=Business.Size.SMALL,
        phone="+62 354-7781-118",
        owner="umkm",
        products=(
            DemoProduct(
                name="Kain Tenun Ikat Bandar Kidul 200 x 115 cm",
                category="textiles",
                hs_code="520842",
                description=(
                    "Kain tenun ikat ATBM dari benang katun yang diikat dan dicelup sebelum "
                    "ditenun, motif Kelud. / Hand-loomed cotton ikat, yarn tied and dyed before "
                    "weaving, Kelud motif, 200 x 115 cm."
                ),
                materials="Benang katun 100% (Ne 40/2), pewarna sintetis bebas azo",
                monthly_capacity="120",
                capacity_unit="pieces",
                fob_price="32.00",
                markets=("jp", "eu"),
                label=("TENUN IKAT BANDAR KIDUL", "100% cotton, hand-loomed", "Made in Indonesia"),
                colour=(40, 70, 120),
                state="in_curation",
                steps=(
                    Submit("Mohon kurasi untuk pameran INACRAFT dan pembeli di Kyoto."),
                    AssignCurators(
                        ("kurator1", "kurator2", "kurator3"),
                        lead="kurator1",
                        comment="Tiga kurator: tujuan Jepang dan Uni Eropa, aturan label tekstil berbeda.",
                    ),
                    Score(
                        "kurator1",
                        (4, 4, 3, 4, 3, 5, 3, 3),
                        "pass",
                        "Motif khas Kediri, kualitas tenun konsisten.",
                        notes={"uniqueness_brand": "Tenun ikat Bandar Kidul sudah dikenal."},
                    ),
                    Score(
                        "kurator2",
                        (4, 4, 3, 2, 3, 5, 2, 3),
                        "revise",
                        "Lovely cloth, but not ready for the EU label rules.",
                        notes={
                            "packaging_labeling": "Folded in clear plastic with no fibre-content "
                            "or care label; the EU requires fibre labelling.",
                            "market_digital": "No English product information at all.",
                        },
                    ),
                    Score(
                        "kurator3",
                        (4, 4, 3, 4, 4, 5, 3, 3),
                        "pass",
                        "Layak lulus, label bisa disempurnakan pada tinjauan kemasan.",
                    ),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Batik Tulis Dhoho",
        nib="9120718460352",
        npwp="3571046102850004",
        registered_on=date(2023, 4, 12),
        address="Jl. Joyoboyo No. 28, Kel. Dandangan, Kec. Kota, Kota Kediri 64122",
        region=KOTA_KEDIRI,
        size=Business.Size.MICRO,
        phone="+62 815-5510-4122",
        owner="umkm",
        products=(
            DemoProduct(
                name="Kain Batik Tulis Motif Kilisuci 210 x 115 cm",
                category="textiles",
                hs_code="520852",
                description=(
                    "Batik tulis tangan pada katun primisima, pewarna alam indigo dan soga. / "
                    "Hand-drawn batik on fine cotton, natural indigo and soga dyes."
                ),
                materials="Kain katun primisima, malam (lilin batik), indigo, kulit kayu soga",
                monthly_capacity="40",
                capacity_unit="pieces",
                fob_price="85.00",
                markets=("jp",),
                label=("BATIK TULIS DHOHO", "Hand-drawn batik, natural dyes", "Kediri"),
                colour=(96, 64, 32),
                # A draft being prepared: the packaging photo is still missing.
                photos=("product_photo",),
                state="draft",
            ),
        ),
    ),
    DemoBusiness(
        name="Sari Belimbing Karangsari",
        nib="9120824517693",
        npwp="3572056711800001",
        registered_on=date(2022, 7, 28),
        address="Jl. Ciliwung Gg. III No. 5, Kel. Karangsari, Kec. Sukorejo, Kota Blitar 66121",
        region=KOTA_BLITAR,
        size=Business.Size.MICRO,
        phone="+62 821-3100-6121",
        owner="umkm",
        products=(
            DemoProduct(
                name="Sari Buah Belimbing Karangsari 250 ml",
                category="beverages",
                hs_code="220299",
                description=(
                    "Minuman sari buah belimbing Karangsari, botol PET 250 ml. / Karangsari "
                    "star-fruit drink in a 250 ml PET bottle."
                ),
                materials="Air, sari buah belimbing (30%), gula pasir, asam sitrat, natrium benzoat",
                monthly_capacity="6000",
                capacity_unit="bottles",
                fob_price="0.65",
                markets=("sg",),
                shelf_life_days=90,
                label=("SARI BELIMBING KARANGSARI", "Star-fruit drink 250 ml", "Made in Indonesia"),
                colour=(214, 170, 30),
                documents=(
                    Doc("pirt", "2083572010311-{yy}", age_days=570, valid_years=5),
                    Doc("halal", "ID35720001288460823", age_days=460, valid_years=4),
                ),
                state="rejected",
                steps=(
                    Submit(),
                    AssignCurators(
                        ("kurator1", "kurator3"),
                        lead="kurator1",
                        comment="Kurasi minuman; perhatikan umur simpan.",
                    ),
                    Score(
                        "kurator1",
                        (3, 2, 3, 2, 4, 4, 2, 2),
                        "reject",
                        "Belum siap ekspor.",
                        notes={
                            "quality_safety": "Umur simpan 90 hari belum didukung uji laboratorium; "
                            "pasteurisasi tidak tercatat.",
                        },
                    ),
                    Score(
                        "kurator3",
                        (3, 2, 2, 2, 4, 3, 2, 2),
                        "reject",
                        "Perlu pendampingan CPPB-IRT lebih dulu.",
                        notes={"capacity_continuity": "Buah hanya tersedia musiman."},
                    ),
                    Reject(
                        "kurator1",
                        "Ditolak pada tahap kurasi: mutu dan keamanan pangan di bawah batas "
                        "minimum (rata-rata 2, minimum 3). Umur simpan 90 hari belum didukung uji "
                        "laboratorium dan pasteurisasi belum terdokumentasi. Silakan ajukan lagi "
                        "setelah pendampingan CPPB-IRT dari Dinas Kesehatan.",
                    ),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Tahu Takwa Pak Darto",
        nib="9120103572146",
        npwp="3571031207690001",
        registered_on=date(2019, 11, 4),
        address="Jl. Trunojoyo No. 43, Kel. Tinalan, Kec. Pesantren, Kota Kediri 64131",
        region=KOTA_KEDIRI,
        size=Business.Size.MICRO,
        phone="+62 856-4600-4131",
        owner="darto",
        products=(
            DemoProduct(
                name="Stik Tahu Takwa Renyah 150 g",
                category="processed_food",
                hs_code="210690",
                description=(
                    "Stik renyah dari tahu takwa kuning khas Kediri, digoreng dan dikemas "
                    "dalam pouch alumunium foil. / Crispy sticks of Kediri's yellow takwa tofu, "
                    "fried and packed in foil pouches."
                ),
                materials="Tahu takwa (kedelai, air, kunyit, garam), tepung tapioka, minyak sawit, "
                "bawang putih, garam",
                monthly_capacity="3000",
                capacity_unit="pouches",
                fob_price="1.60",
                markets=("sg", "my"),
                shelf_life_days=120,
                label=("STIK TAHU PAK DARTO", "Crispy tofu sticks 150 g", "Made in Indonesia"),
                colour=(230, 184, 60),
                documents=(
                    Doc("pirt", "5153571020457-{yy}", age_days=430, valid_years=5),
                    Doc("halal", "ID35710004571230324", age_days=240, valid_years=4),
                ),
                state="revision_requested",
                steps=(
                    Submit("Sudah ada pembeli di Singapura yang minta sampel."),
                    AssignCurators(
                        ("kurator1", "kurator2"),
                        lead="kurator1",
                        comment="Pak Bambang tidak ditugaskan karena konflik kepentingan.",
                    ),
                    RequestRevision(
                        "kurator1",
                        "Label belum mencantumkan komposisi berurutan dan informasi nilai gizi. "
                        "Mohon unggah foto label baru, dan hasil uji kadar air serta angka "
                        "peroksida untuk mendukung klaim umur simpan 120 hari.",
                    ),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Keripik Pisang Mbok Sri",
        nib="9120936184027",
        npwp="3506064403750003",
        registered_on=date(2021, 3, 8),
        address="Dusun Tegalrejo, Desa Tulungrejo, Kec. Pare, Kab. Kediri 64212",
        region=KAB_KEDIRI,
        size=Business.Size.MICRO,
        phone="+62 838-3300-4212",
        owner="sri",
        products=(
            DemoProduct(
                name="Keripik Pisang Kepok Original 200 g",
                category="processed_food",
                hs_code="200899",
                description=(
                    "Keripik pisang kepok iris tipis, digoreng dengan minyak kelapa sawit. / "
                    "Thin-sliced kepok banana chips fried in palm oil."
                ),
                materials="Pisang kepok, minyak sawit, gula, garam",
                monthly_capacity="5000",
                capacity_unit="packs",
                fob_price="1.35",
                markets=("my", "sa"),
                shelf_life_days=180,
                label=("KERIPIK PISANG MBOK SRI", "Banana chips 200 g", "Made in Indonesia"),
                colour=(226, 196, 90),
                documents=(
                    Doc("pirt", "2113506010892-{yy}", age_days=310, valid_years=5),
                    Doc("halal", "ID35060002996370124", age_days=660, valid_years=4),
                ),
                state="submitted",
                steps=(
                    Submit("Kami sanggup memenuhi pesanan rutin dua palet per bulan ke Malaysia."),
                ),
            ),
        ),
    ),
    DemoBusiness(
        name="Anyaman Bambu Kalipucung",
        nib="9121047295138",
        npwp="76.418.902.5-653.000",
        registered_on=date(2020, 9, 21),
        address="Dusun Kalipucung, Desa Kalipucung, Kec. Sanankulon, Kab. Blitar 66151",
        region=KAB_BLITAR,
        size=Business.Size.MICRO,
        phone="+62 819-3400-6151",
        owner="wahyu",
        products=(
            DemoProduct(
                name="Keranjang Bambu Anyam (set 3)",
                category="basketry",
                hs_code="460211",
                description=(
                    "Set tiga keranjang bambu apus anyaman tangan, bertingkat. / Set of three "
                    "nesting hand-woven bamboo baskets."
                ),
                materials="Bambu apus (Gigantochloa apus), rotan untuk bibir keranjang",
                monthly_capacity="800",
                capacity_unit="sets",
                fob_price="6.50",
                markets=("au", "us"),
                label=("ANYAMAN KALIPUCUNG", "Bamboo baskets, set of 3", "Made in Indonesia"),
                colour=(170, 140, 80),
                state="withdrawn",
                steps=(
                    Submit("Kami ingin mencoba ekspor langsung ke Australia."),
                    AssignCurators(
                        ("kurator2", "kurator3"),
                        lead="kurator2",
                        comment="Ms de Vries memimpin: tujuan Australia dan Amerika Serikat.",
                    ),
                    RequestRevision(
                        "kurator2",
                        "Australia (BICON) requires bamboo goods free of bark, insects and soil, "
                        "and may order fumigation. Please describe your drying and treatment "
                        "process and upload photos of the finished, treated baskets.",
                    ),
                    Withdraw(
                        "Kami tarik dulu: belum ada mitra fumigasi bersertifikat di Blitar. "
                        "Akan kami ajukan lagi tahun depan."
                    ),
                ),
            ),
        ),
    ),
)


# Making the files: small, real PDFs and PNG photos, checked like any upload.


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines) -> bytes:
    """A one-page A4 PDF with a title and lines of text in Helvetica (a font every reader
    has, so nothing is embedded)."""
    operations = ["BT", "/F1 15 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 10 Tf"]
    for line in lines:
        operations += ["0 -20 Td", f"({_pdf_text(line)}) Tj"]
    operations.append("ET")
    stream = "\n".join(operations).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def png_bytes(title: str, lines, colour) -> bytes:
    """An 800x600 picture standing in for a photo: the product's colour, a label, the text."""
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (60, 60, 740, 540), radius=28, fill=(250, 246, 238), outline=(40, 40, 40), width=4
    )
    title_font = ImageFont.load_default(size=34)
    font = ImageFont.load_default(size=24)
    titles = textwrap.wrap(title, 30)
    for row, line in enumerate(titles):
        draw.text((90, 100 + 44 * row), line, font=title_font, fill=colour)
    for row, line in enumerate(lines):
        draw.text((90, 150 + 44 * len(titles) + 44 * row), line, font=font, fill=(30, 30, 30))
    draw.text((90, 490), "DEMO - Siap Ekspor", font=font, fill=(150, 150, 150))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _document_content(
    doc: Doc, doc_type: DocumentType, business: Business, product, spec, today: date
) -> bytes:
    if doc.kind == "product_photo":
        return png_bytes(spec.name, [*doc.lines, "Foto produk / Product photo"], spec.colour)
    if doc.kind == "packaging_photo":
        return png_bytes(spec.label[0], [*spec.label[1:], *doc.lines], spec.colour)
    issued_on, expires_on = doc.dates(today)
    lines = [doc_type.label_en, ""]
    if doc.number:
        lines.append(f"Nomor / Number: {doc.printed_number(expires_on)}")
    lines.append(f"Atas nama / Holder: {business.name}")
    lines.append(f"Alamat / Address: {business.address}")
    if product is not None:
        lines.append(f"Produk / Product: {product.name}")
    if issued_on:
        lines.append(f"Tanggal terbit / Issued: {issued_on:%d-%m-%Y}")
    if expires_on:
        lines.append(f"Berlaku sampai / Valid until: {expires_on:%d-%m-%Y}")
    if doc_type.issuer:
        lines.append(f"Penerbit / Issuer: {doc_type.issuer}")
    lines += ["", *doc.lines, "", *DEMO_NOTICE]
    return pdf_bytes(doc_type.label_id.upper(), lines)


# Seeding.


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    logins: list = field(default_factory=list)
    applications: list = field(default_factory=list)

    def count(self, kind: str, created: bool):
        (self.created if created else self.found)[kind] += 1


def seed_demo() -> SeedReport:
    """Create whatever of the demo data is missing; see the module's docstring."""
    if not settings.DEBUG:
        raise SeedError(
            "seed_demo creates logins that share a published password, so it runs only "
            "with DEBUG on. Never run it against a production database."
        )
    report = SeedReport()
    # The workflow notifies people as the applications move; the demo people are invented,
    # so their notices stay in the app and their e-mails go nowhere. One transaction: a
    # refused step leaves no half-built demo behind.
    dummy_mail = "django.core.mail.backends.dummy.EmailBackend"
    with override_settings(EMAIL_BACKEND=dummy_mail), transaction.atomic():
        load_reference_data()
        people = {person.username: _ensure_person(person, report) for person in PEOPLE}
        products = [
            (product, product_spec, people[spec.owner])
            for spec in BUSINESSES
            for product, product_spec in _ensure_business(spec, people, report)
        ]
        # Declared before any assignment, so the coordinator cannot choose these curators.
        for curator, nib, reason in CONFLICTS:
            _, created = ConflictOfInterest.objects.get_or_create(
                curator=people[curator],
                business=Business.objects.get(nib=nib),
                defaults={"reason": reason},
            )
            report.count("conflicts of interest", created)
        for product, spec, owner in products:
            if product.applications.exists():
                report.count("applications", False)
            else:
                _play(product, spec, people, owner, report)
                report.count("applications", True)
            report.applications += list(product.applications.order_by("created_at"))
    return report


def _ensure_person(person: Person, report: SeedReport):
    user, created = get_user_model().objects.get_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "is_staff": person.is_staff,
            "is_superuser": person.is_superuser,
        },
    )
    report.count("logins", created)
    if created:
        # Only a new login gets the demo password: one changed since is left as it is.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.profile.language = person.language
        user.profile.save(update_fields=["language"])
    user.groups.add(*(Group.objects.get(name=role.value) for role in person.roles))
    user.profile.regions.add(*Region.objects.filter(code__in=person.regions))
    if apps.is_installed("allauth.account"):
        # Signing in asks for a verified address; the demo addresses count as verified.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    report.logins.append((person, user))
    return user


def _ensure_business(spec: DemoBusiness, people: dict, report: SeedReport):
    """The business, its owner's membership, its documents and products; returns each
    product with its spec."""
    business, created = Business.objects.get_or_create(
        nib=spec.nib,
        defaults={
            "name": spec.name,
            "npwp": spec.npwp,
            "address": spec.address,
            "region": Region.objects.get(code=spec.region),
            "size": spec.size,
            "phone": spec.phone,
            "email": f"{spec.owner}@{EMAIL_DOMAIN}",
        },
    )
    report.count("businesses", created)
    owner = people[spec.owner]
    Membership.objects.get_or_create(
        business=business, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    today = timezone.localdate()
    registration = (
        Doc("nib", spec.nib, age_days=(today - spec.registered_on).days),
        Doc("npwp", spec.npwp, age_days=(today - spec.registered_on).days),
        *spec.documents,
    )
    for doc in registration:
        _ensure_document(business, None, doc, owner, report)
    products = []
    for product_spec in spec.products:
        product = _ensure_product(business, product_spec, report)
        for doc in (*(Doc(kind) for kind in product_spec.photos), *product_spec.documents):
            _ensure_document(business, product, doc, owner, report, spec=product_spec)
        products.append((product, product_spec))
    return products


def _ensure_product(business: Business, spec: DemoProduct, report: SeedReport) -> Product:
    product, created = Product.objects.get_or_create(
        business=business,
        name=spec.name,
        defaults={
            "category": Category.objects.get(key=spec.category),
            "hs_code": spec.hs_code,
            "description": spec.description,
            "materials": spec.materials,
            "monthly_capacity": Decimal(spec.monthly_capacity),
            "capacity_unit": spec.capacity_unit,
            "shelf_life_days": spec.shelf_life_days,
            "fob_price": Decimal(spec.fob_price),
            "fob_currency": Product.Currency.USD,
        },
    )
    if created:
        product.target_markets.set(Market.objects.filter(key__in=spec.markets))
    report.count("products", created)
    return product


def _ensure_document(business, product, doc: Doc, uploader, report, *, spec=None, always=False):
    """Upload `doc` unless the business (or product) already holds one of its type.

    `always` is for the documents uploaded during the workflow, which add to one already there.
    """
    doc_type = DocumentType.objects.get(key=doc.kind)
    product = product if doc_type.scope == DocumentType.Scope.PRODUCT else None
    held = Document.objects.filter(business=business, product=product, kind=doc_type)
    if not always and held.exists():
        report.count("documents", False)
        return None
    today = timezone.localdate()
    issued_on, expires_on = doc.dates(today)
    content = _document_content(doc, doc_type, business, product, spec, today)
    upload = ContentFile(content, name="demo")
    inspected = inspect_upload(upload)
    document = Document.objects.create(
        business=business,
        product=product,
        kind=doc_type,
        number=doc.printed_number(expires_on),
        issued_on=issued_on,
        expires_on=expires_on,
        file=upload,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=uploader,
    )
    report.count("documents", True)
    return document


def _play(product: Product, spec: DemoProduct, people: dict, owner, report: SeedReport) -> None:
    """Create the product's application and take it through `spec.steps`, each by the
    person whose job it is, through the services."""
    application = services.application_create(product=product, by=owner)
    for step in spec.steps:
        try:
            _take(step, application, product, spec, people, owner, report)
        except WorkflowError as e:
            raise SeedError(f"{product}: {type(step).__name__} was refused: {e}") from e
        application.refresh_from_db()
    if application.state != spec.state:
        raise SeedError(f"{product} ended in {application.state}, not {spec.state}.")


def _take(step, application: Application, product, spec, people, owner, report) -> None:
    match step:
        case Submit():
            services.application_submit(application=application, by=owner, comment=step.comment)
        case AssignCurators():
            services.application_assign_curators(
                application=application,
                by=people["koordinator"],
                curators=[people[c] for c in step.curators],
                lead=people[step.lead],
                comment=step.comment,
            )
        case Score():
            scoresheet_save(
                application=application,
                curator=people[step.curator],
                scores={
                    key: (mark, step.notes.get(key, ""))
                    for key, mark in zip(CRITERIA, step.marks, strict=True)
                },
                recommendation=step.recommendation,
                comment=step.comment,
                submit=True,
            )
        case RequestRevision():
            services.application_request_revision(
                application=application, by=people[step.by], message=step.message
            )
        case Upload():
            _ensure_document(
                product.business, product, step.doc, owner, report, spec=spec, always=True
            )
        case Resubmit():
            services.application_resubmit(application=application, by=owner, answer=step.answer)
        case PassCuration():
            lead = application.assignments.get(is_lead=True).curator
            services.application_pass_curation(
                application=application, by=lead, comment=step.comment
            )
        case ReviewPackaging():
            results = {item.key: ("pass", "") for item in packaging_items(application)}
            results |= {key: ("fail", note) for key, note in step.failed.items()}
            results |= {key: ("na", note) for key, note in step.not_applicable.items()}
            packaging_review_save(
                application=application, reviewer=people["reviewer"], results=results
            )
        case RequestPackagingChanges():
            services.application_request_packaging_changes(
                application=application, by=people["reviewer"], comment=step.comment
            )
        case ResubmitPackaging():
            services.application_resubmit_packaging(
                application=application, by=owner, comment=step.comment
            )
        case ApprovePackaging():
            services.application_approve_packaging(
                application=application, by=people["reviewer"], comment=step.comment
            )
        case Certify():
            services.application_certify(
                application=application, by=people["pejabat"], comment=step.comment
            )
        case Reject():
            services.application_reject(
                application=application, by=people[step.by], reason=step.reason
            )
        case Withdraw():
            services.application_withdraw(application=application, by=owner, comment=step.comment)
        case _:
            raise SeedError(f"Unknown demo step {step!r}")
