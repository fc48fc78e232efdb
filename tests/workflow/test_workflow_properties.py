"""Random sequences of workflow actions by random people never break the rules.

Hypothesis plays an office in which anyone may press any button: transitions taken by
the right or the wrong persona, with good or empty comments and any choice of curators,
scoresheets with random scores, packaging reviews with random results, new packaging
photos. After every action the application must still obey WORKFLOW.md:

- the audit trail is exactly the transitions that succeeded, in order, each starting
  where the previous one ended, ending in the current state;
- a transition succeeds exactly when `available_transitions` offers it to that user and
  its input (comment, choice of curators) is acceptable, so a page's buttons never lie;
- in curation there are always at least the rubric's minimum of curators, exactly one
  lead, none of them a member of the business or conflicted;
- past curation the stored score is the aggregate of the last round, at or above the
  pass mark, with no failed gate, and passed over a curator's score below a gate's floor
  only with the lead's written reason; past packaging review every mandatory item passed;
- a certificate is only ever given by an officer who neither curated the product nor
  belongs to its business.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.rules import (
    gate_scores_below_floor,
    packaging_approval_problems,
    packaging_changes_problems,
)
from assessments.scoring import aggregate
from curation import services
from curation.checks import packaging_resubmit_problems
from curation.stage_work import packaging_review_save, scoresheet_save
from curation.transitions import SPECS
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import FINAL_STATES, State
from products.models import ConflictOfInterest, Membership
from tests import factories as f
from tests.workflow.transition_steps import PERSONAS as OFFICE_PERSONAS

NAMES = list(SPECS)
MSME_TRANSITIONS = {"submit", "resubmit", "resubmit_packaging", "withdraw"}
PAST_CURATION = {
    State.PACKAGING_REVIEW,
    State.PACKAGING_REVISION,
    State.AWAITING_CERTIFICATION,
    State.CERTIFIED,
}

# Everyone who might press a button: the office's personas and three who are tempting to
# pick as curators but must not be, or must not certify once picked.
PERSONAS = [
    *OFFICE_PERSONAS,
    "officer_curator",
    "member_curator",
    "conflicted_curator",
]
CURATOR_CANDIDATES = [
    "lead",
    "curator",
    "spare_curator",
    "officer_curator",
    "foreign_coordinator",
    "member_curator",
    "conflicted_curator",
    "coordinator",
    "msme",
]
# Curators by role, neither members of the business nor conflicted (curators are not tied
# to a region; the coordinator of another region also curates).
ASSIGNABLE = {"lead", "curator", "spare_curator", "officer_curator", "foreign_coordinator"}


@dataclass(frozen=True)
class Take:
    """Attempt a transition: `name`, or when None the `pick`th one leaving the current
    state; `by` a persona, or when None the one whose job it is."""

    name: str | None = None
    pick: int = 0
    by: str | None = None
    text: str = "Please add the lab report."
    curators: tuple[str, ...] = ("lead", "curator")
    lead: str | None = "lead"


@dataclass(frozen=True)
class Score:
    """A curator saves a scoresheet: `base` plus a jitter per criterion."""

    by: str | None = None
    base: int = 4
    jitter: tuple[int, ...] = (0,) * 8
    clamp: bool = True
    submit: bool = True
    recommendation: str = "pass"


@dataclass(frozen=True)
class Review:
    """A packaging reviewer records results: per applicable item (result, with a note);
    items beyond the tuple pass."""

    by: str | None = None
    results: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Upload:
    """The MSME uploads a new packaging photo."""


@dataclass(frozen=True)
class Advance:
    """Whatever moves the application on now, by whoever's job it is: the next forward
    transition, or the scoresheet (scores around `quality`), review (failing an item when
    `quality` is below 4) or upload it waits for. The other actions are mostly refused;
    this one takes sequences deep enough to test what lies beyond curation."""

    quality: int = 4


# Random actions: any transition by anyone (None: whoever's job it is), scoresheets and
# reviews by anyone with any input; and Advance.
anyone = st.sampled_from(PERSONAS)
texts = st.sampled_from(["Please add the lab report.", "", "  \n "])
random_take = st.builds(
    Take,
    # A transition leaving the current state (name None) or any at all.
    name=st.one_of(st.none(), st.sampled_from(NAMES)),
    pick=st.integers(0, 11),
    by=st.one_of(st.none(), anyone),
    text=texts,
    curators=st.one_of(
        st.just(("lead", "curator")),
        st.lists(st.sampled_from(CURATOR_CANDIDATES), max_size=4).map(tuple),
    ),
    lead=st.sampled_from(["lead", None, *CURATOR_CANDIDATES]),
)
random_score = st.builds(
    Score,
    by=st.one_of(st.none(), anyone),
    base=st.integers(1, 5),
    jitter=st.lists(st.integers(-1, 1), min_size=8, max_size=8).map(tuple),
    clamp=st.booleans(),
    submit=st.booleans(),
    recommendation=st.sampled_from(["pass", "revise", "reject", "", "x"]),
)
random_review = st.builds(
    Review,
    by=st.one_of(st.none(), anyone),
    results=st.lists(
        st.tuples(st.sampled_from(["pass", "fail", "na", "maybe"]), st.booleans()), max_size=20
    ).map(tuple),
)
actions = st.lists(
    st.one_of(
        st.builds(Advance, quality=st.sampled_from([4, 5, 3, 2])),
        random_take,
        random_score,
        random_review,
        st.just(Upload()),
    ),
    min_size=10,
    max_size=35,
)


HAPPY_PATH = [
    Take("submit"),
    Take("assign_curators"),
    Score(by="lead"),
    Score(by="curator"),
    Take("pass_curation"),
    Review(),
    Take("approve_packaging"),
    Take("certify"),
]
# An officer who also curates is picked as a curator: they must not certify; another may.
SEPARATION_PATH = [
    Take("submit"),
    Take("assign_curators", curators=("lead", "officer_curator"), lead="lead"),
    Score(by="lead", base=5),
    Score(by="officer_curator", base=5),
    Take("pass_curation"),
    Review(results=(("fail", True),)),
    Take("request_packaging_changes"),
    Upload(),
    Take("resubmit_packaging"),
    Review(),
    Take("approve_packaging"),
    Take("certify", by="officer_curator"),
    Take("certify", by="officer"),
]
# A revision round, then a failing score that the lead cannot pass, then a rejection.
REVISION_PATH = [
    Take("submit"),
    Take("assign_curators", curators=("spare_curator", "curator", "lead"), lead="spare_curator"),
    Take("request_revision", by="coordinator"),
    Take("resubmit"),
    Score(by="spare_curator", base=2),
    Score(by="curator", base=3),
    Score(by="lead", base=3),
    Take("pass_curation"),
    Take("reject", text=""),
    Take("reject"),
]


@pytest.fixture
def cast(office):
    """The office's personas, and three curators with a reason not to be picked or not to
    certify."""
    kediri = office.business.region
    people = dict(office.personas)
    people["officer_curator"] = f.UserFactory(
        username="officer-curator",
        roles=[Role.CURATOR, Role.CERTIFYING_OFFICER],
        regions=[kediri],
    )
    people["member_curator"] = f.UserFactory(
        username="member-curator", roles=[Role.CURATOR], regions=[kediri]
    )
    Membership.objects.create(business=office.business, user=people["member_curator"])
    people["conflicted_curator"] = f.UserFactory(
        username="conflicted-curator", roles=[Role.CURATOR], regions=[kediri]
    )
    ConflictOfInterest.objects.create(
        curator=people["conflicted_curator"], business=office.business, reason="My cousin."
    )
    return people


class Play:
    """One example's run: the application, the people, and the transitions that succeeded."""

    def __init__(self, office, people):
        self.office = office
        self.people = people
        self.application = office.new_application()
        self.taken: list[tuple[str, str, str]] = []
        self.members = set(office.business.memberships.values_list("user_id", flat=True))

    def refreshed(self):
        self.application.refresh_from_db()
        return self.application

    def lead_curator(self):
        assignment = self.application.assignments.filter(is_lead=True).first()
        return assignment.curator if assignment else self.people["lead"]

    def whose_job(self, name):
        state = self.application.state
        match name:
            case "submit" | "resubmit" | "resubmit_packaging" | "withdraw":
                return self.people["msme"]
            case "assign_curators":
                return self.people["coordinator"]
            case "request_revision" | "pass_curation":
                return self.lead_curator()
            case "request_packaging_changes" | "approve_packaging":
                return self.people["reviewer"]
            case "certify":
                return self.people["officer"]
            case "reject":
                return {
                    State.IN_CURATION: self.lead_curator(),
                    State.PACKAGING_REVIEW: self.people["reviewer"],
                    State.AWAITING_CERTIFICATION: self.people["officer"],
                }.get(state, self.people["coordinator"])
        raise ValueError(name)

    def next_scorer(self):
        current = self.application.current_round
        submitted = (
            set(
                current.scoresheets.filter(submitted_at__isnull=False).values_list(
                    "curator_id", flat=True
                )
            )
            if current
            else set()
        )
        for assignment in self.application.assignments.select_related("curator"):
            if assignment.curator_id not in submitted:
                return assignment.curator
        return self.people["lead"]

    def next_step(self, quality):
        application = self.application
        match application.state:
            case State.DRAFT:
                return Take("submit")
            case State.SUBMITTED:
                return Take("assign_curators")
            case State.IN_CURATION:
                current = application.current_round
                done = current.scoresheets.filter(submitted_at__isnull=False).count()
                if done < application.assignments.count():
                    return Score(base=quality)
                return Take("pass_curation")
            case State.REVISION_REQUESTED:
                return Take("resubmit")
            case State.PACKAGING_REVIEW if quality >= 4:
                if packaging_approval_problems(application):
                    return Review()
                return Take("approve_packaging")
            case State.PACKAGING_REVIEW:
                if packaging_changes_problems(application):
                    return Review(results=(("fail", True),))
                return Take("request_packaging_changes")
            case State.PACKAGING_REVISION:
                if packaging_resubmit_problems(application):
                    return Upload()
                return Take("resubmit_packaging")
            case State.AWAITING_CERTIFICATION:
                return Take("certify")
        return Take("withdraw")  # finished: refused

    def run(self, action) -> bool:
        """Play one action; True if it changed anything."""
        application = self.refreshed()
        match action:
            case Advance():
                return self.run(self.next_step(action.quality))
            case Take():
                return self.take(action)
            case Score():
                curator = self.people[action.by] if action.by else self.next_scorer()
                values = [action.base + j for j in action.jitter]
                if action.clamp:
                    values = [min(5, max(1, v)) for v in values]
                keyed = {
                    c.key: (v, "note")
                    for c, v in zip(application.rubric.criteria.all(), values, strict=True)
                }
                return attempt(
                    scoresheet_save,
                    application=application,
                    curator=curator,
                    scores=keyed,
                    recommendation=action.recommendation,
                    submit=action.submit,
                )
            case Review():
                items = application.packaging_checklist.items_for(
                    is_food=application.is_food,
                    market_keys=application.target_markets.values_list("key", flat=True),
                )
                chosen = list(action.results) + [("pass", False)] * len(items)
                results = {
                    item.key: (result, "Make it bigger." if note else "")
                    for item, (result, note) in zip(items, chosen, strict=False)
                }
                return attempt(
                    packaging_review_save,
                    application=application,
                    reviewer=self.people[action.by] if action.by else self.people["reviewer"],
                    results=results,
                )
            case Upload():
                f.add_document(
                    application.product.business,
                    "packaging_photo",
                    product=application.product,
                    by=self.people["msme"],
                )
                return True
        raise ValueError(action)

    def take(self, action: Take) -> bool:
        application = self.application
        name = action.name
        if name is None:
            leaving = [
                n
                for n in NAMES
                if services._transition_meta(n).get_transition(application.state) is not None
            ]
            if not leaving:
                return False
            name = leaving[action.pick % len(leaving)]
        by = self.people[action.by] if action.by else self.whose_job(name)
        offered = name in services.available_transitions(user=by, application=application)
        source = application.state

        kwargs = {}
        input_ok = True
        # The text the step asks for on this application now: a revision request, an
        # answer, a rejection's reason, and the lead's reason to pass curation over a
        # curator's gate score below its floor.
        written = SPECS[name].input_for(application)
        if written.required:
            kwargs[written.field] = action.text
            input_ok = bool(action.text.strip())
        if name == "assign_curators":
            kwargs["curators"] = [self.people[c] for c in action.curators]
            kwargs["lead"] = self.people[action.lead] if action.lead else None
            chosen = set(action.curators)
            input_ok = len(chosen) >= 2 and action.lead in chosen and chosen <= ASSIGNABLE

        succeeded = attempt(SPECS[name].service, application=application, by=by, **kwargs)

        assert succeeded == (offered and input_ok), (name, by.username, offered, input_ok)
        if succeeded:
            self.taken.append((name, source, self.refreshed().state))
        return succeeded

    def check(self, *, full=True):
        """The rules. The audit trail is checked after every action; the rest, costlier,
        after an action that changed something (a refusal changes nothing: the audit
        trail and the state show it)."""
        application = self.refreshed()
        state = application.state

        # The audit trail is the successful transitions, chained from draft to now.
        trail = list(application.audit_trail.order_by("at", "pk"))
        assert [(t.transition, t.source, t.target) for t in trail] == self.taken
        chain = State.DRAFT
        for entry in trail:
            assert entry.source == chain
            chain = entry.target
        assert chain == state
        if not full:
            return
        for entry in trail:
            is_member = entry.actor_id in self.members
            assert is_member == (entry.transition in MSME_TRANSITIONS), entry

        # Curators: none before assignment; from then on a valid panel with one lead.
        assignments = list(application.assignments.select_related("curator"))
        if "assign_curators" not in {t.transition for t in trail}:
            assert assignments == []
        else:
            curators = {a.curator for a in assignments}
            assert len(curators) >= application.rubric.min_curators
            assert sum(a.is_lead for a in assignments) == 1
            assert {self.persona(c) for c in curators} <= ASSIGNABLE
        # A scoring round is open exactly in curation, a packaging review exactly in review.
        open_rounds = application.rounds.filter(closed_at__isnull=True).count()
        assert open_rounds == (1 if state == State.IN_CURATION else 0)
        open_reviews = application.packaging_reviews.filter(closed_at__isnull=True).count()
        assert open_reviews == (1 if state == State.PACKAGING_REVIEW else 0)

        # Past curation: the stored result is the last round's, and it passed.
        if state in PAST_CURATION or application.final_score is not None:
            assert "pass_curation" in {t.transition for t in trail}
            last_round = application.rounds.order_by("-number").first()
            sheets = list(
                last_round.scoresheets.filter(submitted_at__isnull=False).prefetch_related("scores")
            )
            assert {s.curator for s in sheets} == {a.curator for a in assignments}
            result = aggregate(application.rubric, sheets, is_food=application.is_food)
            assert application.final_score == result.total >= application.rubric.pass_mark
            assert result.failed_gates == ()
            assert application.grade == result.grade["grade"] in {"A", "B"}
            if gate_scores_below_floor(application):
                passed = next(t for t in trail if t.transition == "pass_curation")
                assert passed.comment.strip()
        if state in {State.DRAFT, State.SUBMITTED, State.IN_CURATION, State.REVISION_REQUESTED}:
            assert application.final_score is None

        # Past packaging review: the last review passed every mandatory item.
        if state in {State.AWAITING_CERTIFICATION, State.CERTIFIED}:
            review = application.packaging_reviews.order_by("-number").first()
            passed = set(review.results.filter(result="pass").values_list("item_id", flat=True))
            items = application.packaging_checklist.items_for(
                is_food=application.is_food,
                market_keys=application.target_markets.values_list("key", flat=True),
            )
            assert {i.pk for i in items if i.mandatory} <= passed

        if state == State.CERTIFIED:
            certifier = trail[-1].actor
            assert certifier.groups.filter(name=Role.CERTIFYING_OFFICER).exists()
            assert certifier not in {a.curator for a in assignments}

    def persona(self, user):
        return next(name for name, person in self.people.items() if person == user)


def attempt(service, **kwargs) -> bool:
    """Call a service; True if it went through, False if it refused with WorkflowError
    (any other exception is a bug and fails the test)."""
    try:
        service(**kwargs)
    except WorkflowError as refusal:
        assert refusal.messages and all(m.strip() for m in refusal.messages)
        return False
    return True


@pytest.mark.parametrize(
    ("actions", "end"),
    [
        pytest.param(HAPPY_PATH, State.CERTIFIED, id="happy-path"),
        pytest.param(SEPARATION_PATH, State.CERTIFIED, id="separation-of-duties"),
        pytest.param(REVISION_PATH, State.REJECTED, id="revision-then-rejection"),
    ],
)
def test_scripted_sequences_keep_the_workflow_rules(office, cast, actions, end):
    play = Play(office, cast)
    for action in actions:
        play.run(action)
        play.check()
    assert play.application.state == end


def test_random_action_sequences_never_break_the_workflow_rules(office, cast):
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(actions=actions)
    def run(actions):
        # Each example starts from the same office and leaves nothing behind.
        with transaction.atomic():
            play = Play(office, cast)
            after_the_end = 0
            for action in actions:
                play.check(full=play.run(action))
                # A few attempts on a finished application are enough.
                after_the_end += play.application.state in FINAL_STATES
                if after_the_end > 3:
                    break
            play.check()
            transaction.set_rollback(True)

    run()
