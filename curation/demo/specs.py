"""The shapes of the demo data: what `data/offices.json`, `data/people.json` and
`data/businesses.json` hold.

The loader builds these from the files field by field as declared here, so these classes
are the files' schema: a field without a default is required, a list is a tuple, and a
`Ref` names the file whose keys a value must be one of.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, ClassVar

from assessments.models import Scoresheet
from kernel.roles import Role
from kernel.states import State
from products.models import Business

# The reserved .test domain (RFC 6761): no demo address can ever receive mail.
EMAIL_DOMAIN = "demo.siap-ekspor.test"


@dataclass(frozen=True)
class Ref:
    """A reference: the value must be the `key` of one of the `items` in `file` (a path
    inside the curation app), so a misspelt market or curator is caught when the files
    are read rather than skipped by a query that finds nothing."""

    file: str
    items: str
    key: str


Username = Annotated[str, Ref("demo/data/people.json", "people", "username")]
RegionCode = Annotated[str, Ref("reference_data/regions.json", "regions", "code")]
OfficeCode = Annotated[str, Ref("demo/data/offices.json", "offices", "code")]
CategoryKey = Annotated[str, Ref("reference_data/categories.json", "categories", "key")]
MarketKey = Annotated[str, Ref("reference_data/markets.json", "markets", "key")]
DocumentKind = Annotated[str, Ref("reference_data/documents.json", "documents", "key")]
CriterionKey = Annotated[str, Ref("reference_data/rubric-default.json", "criteria", "key")]
ChecklistItemKey = Annotated[str, Ref("reference_data/packaging-checklist.json", "items", "key")]


@dataclass(frozen=True)
class DemoOffice:
    """A curation office and the regions it serves (its home region among them)."""

    name: str
    code: str
    home_region: RegionCode
    regions: tuple[RegionCode, ...]
    letterhead: str = ""
    email: str = ""
    signatory_name: str = ""
    signatory_title: str = ""


@dataclass(frozen=True)
class Person:
    """A login; `note` is shown beside it in seed_demo's summary."""

    username: str
    first_name: str
    last_name: str
    language: str
    roles: tuple[Role, ...] = ()
    office: OfficeCode = ""  # staff: the code of the office they work for
    is_staff: bool = False
    is_superuser: bool = False
    note: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Doc:
    """A document as its holder would upload it.

    Its dates count from the day of seeding (issued `issued_days_ago`, valid for
    `valid_years`), so a demo seeded next year has no expired permits either; "{yy}" in
    the number stands for the expiry year's last two digits, as a P-IRT number prints it.
    `lines` are printed on it below the holder's details.
    """

    kind: DocumentKind
    number: str = ""
    issued_days_ago: int | None = None
    valid_years: int | None = None
    lines: tuple[str, ...] = ()

    def dates(self, today: date) -> tuple[date | None, date | None]:
        if self.issued_days_ago is None:
            return None, None
        issued = today - timedelta(days=self.issued_days_ago)
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


# The steps an application takes, each written in the file as {"step": <its name>, ...}.
# Every step is taken by the person whose job it is: the owner submits, the coordinator
# assigns, the lead curator passes, the reviewer reviews, the officer certifies.


@dataclass(frozen=True)
class Submit:
    step: ClassVar[str] = "submit"
    comment: str = ""


@dataclass(frozen=True)
class AssignCurators:
    step: ClassVar[str] = "assign_curators"
    curators: tuple[Username, ...]
    lead: Username
    comment: str = ""


@dataclass(frozen=True)
class Score:
    """A curator's submitted scoresheet: a mark for every criterion of the rubric and a
    note for some."""

    step: ClassVar[str] = "score"
    curator: Username
    marks: dict[CriterionKey, int]
    recommendation: Scoresheet.Recommendation
    comment: str = ""
    notes: dict[CriterionKey, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestRevision:
    step: ClassVar[str] = "request_revision"
    by: Username
    message: str


@dataclass(frozen=True)
class Upload:
    """A document the MSME uploads in the middle of the workflow (an answer to a request)."""

    step: ClassVar[str] = "upload"
    document: Doc


@dataclass(frozen=True)
class Resubmit:
    step: ClassVar[str] = "resubmit"
    answer: str


@dataclass(frozen=True)
class PassCuration:
    step: ClassVar[str] = "pass_curation"
    comment: str = ""


@dataclass(frozen=True)
class ReviewPackaging:
    """The reviewer's checklist: every applicable item passes except those named here,
    each with the reviewer's note."""

    step: ClassVar[str] = "review_packaging"
    failed: dict[ChecklistItemKey, str] = field(default_factory=dict)
    not_applicable: dict[ChecklistItemKey, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestPackagingChanges:
    step: ClassVar[str] = "request_packaging_changes"
    comment: str


@dataclass(frozen=True)
class ResubmitPackaging:
    step: ClassVar[str] = "resubmit_packaging"
    comment: str


@dataclass(frozen=True)
class ApprovePackaging:
    step: ClassVar[str] = "approve_packaging"
    comment: str = ""


@dataclass(frozen=True)
class Certify:
    step: ClassVar[str] = "certify"
    comment: str = ""


@dataclass(frozen=True)
class Reject:
    step: ClassVar[str] = "reject"
    by: Username
    reason: str


@dataclass(frozen=True)
class Withdraw:
    step: ClassVar[str] = "withdraw"
    comment: str = ""


Step = (
    Submit
    | AssignCurators
    | Score
    | RequestRevision
    | Upload
    | Resubmit
    | PassCuration
    | ReviewPackaging
    | RequestPackagingChanges
    | ResubmitPackaging
    | ApprovePackaging
    | Certify
    | Reject
    | Withdraw
)


@dataclass(frozen=True)
class EarlierApplication:
    """An application of the product before its current one, which `steps` take to
    `state` (a final state: the next one can only start after it)."""

    state: State
    steps: tuple[Step, ...]
    note: str = ""


@dataclass(frozen=True)
class DemoProduct:
    """A product and its current application, which `steps` take to `state`, after its
    `earlier` applications (each the `previous` of the next: a renewal after a rejection
    shows the product moving up on the business's progress page).

    `label` is what its packaging photo shows, `colour` the photos' background; `photos`
    are the photo documents uploaded with it; `links` its pages on marketplaces. `note`
    is for the reader of the file.
    """

    name: str
    category: CategoryKey
    hs_code: str
    description: str
    materials: str
    monthly_capacity: str
    capacity_unit: str
    fob_price: str
    markets: tuple[MarketKey, ...]
    label: tuple[str, ...]
    colour: tuple[int, int, int]
    state: State
    steps: tuple[Step, ...] = ()
    shelf_life_days: int | None = None
    documents: tuple[Doc, ...] = ()
    photos: tuple[DocumentKind, ...] = ("product_photo", "packaging_photo")
    earlier: tuple[EarlierApplication, ...] = ()
    links: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Conflict:
    """A curator's declared conflict of interest, which keeps them off the business."""

    curator: Username
    reason: str


@dataclass(frozen=True)
class ExportContact:
    """The business's export contact (`Business.export_contact_*`), and whether buyers
    see its e-mail and its phone (`show_contact_email`, `show_contact_phone`)."""

    name: str
    email: str = ""
    phone: str = ""
    whatsapp: bool = False
    show_email: bool = False
    show_phone: bool = False


@dataclass(frozen=True)
class DemoBusiness:
    """A business, owned by the person named `owner`. Its NIB and NPWP documents are
    dated `registered_on`; `documents` are its other business documents; `links` its
    website, marketplace shops and social pages; `export_contact` who answers buyers
    and what buyers may see of them."""

    name: str
    nib: str
    npwp: str
    registered_on: date
    address: str
    region: RegionCode
    size: Business.Size
    phone: str
    owner: Username
    products: tuple[DemoProduct, ...]
    documents: tuple[Doc, ...] = ()
    conflicts_of_interest: tuple[Conflict, ...] = ()
    links: tuple[str, ...] = ()
    export_contact: ExportContact | None = None
