"""An application of `make bench-scale`'s dataset (benchmarks/scale_dataset.py) taken along
its path through the state machine, writing what each step leaves behind."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from benchmarks.scale_businesses import BusinessContext, ProductContext, document
from benchmarks.scale_vocabulary import PACKAGING_NOTES, REJECT_REASONS, REVISION_MESSAGES
from kernel.roles import Role
from kernel.states import State

if TYPE_CHECKING:
    from benchmarks.scale_dataset import Seeder


class Walk:
    """One application taken along its path, writing what each step leaves behind."""

    def __init__(
        self, seeder: Seeder, business: BusinessContext, product: ProductContext, application: Any
    ):
        self.s = seeder
        self.m = seeder.m
        self.rng = seeder.rng
        self.business = business
        self.product = product
        self.app = application
        self.curators: list[int] = []
        self.lead = 0  # the lead curator, once assigned
        self.round: Any = None  # the ScoringRound open now
        self.rounds = 0
        self.review: Any = None  # the PackagingReview open now
        self.reviews = 0
        self.revision: Any = None  # the RevisionRequest waiting for an answer
        office = business.office
        self.coordinator = self.rng.choice(office.staff[Role.COORDINATOR])

    # Who.

    def staff(self, role: str) -> list[int]:
        return self.business.office.staff[role]

    def recipients(self, event: str, source: str) -> list[int]:
        """As curation/recipients.py names them."""
        members = self.business.members
        match event:
            case "submit":
                return self.staff(Role.COORDINATOR)
            case "assign_curators" | "resubmit":
                return self.curators
            case "request_revision" | "request_packaging_changes" | "reject":
                return members
            case "pass_curation":
                return [*members, *self.staff(Role.PACKAGING_REVIEWER)]
            case "resubmit_packaging":
                return self.staff(Role.PACKAGING_REVIEWER)
            case "approve_packaging":
                return [u for u in self.staff(Role.CERTIFYING_OFFICER) if u not in self.curators]
            case "certify":
                return members
            case "withdraw":
                working: dict[str, list[int]] = {
                    State.SUBMITTED: self.staff(Role.COORDINATOR),
                    State.REVISION_REQUESTED: self.curators,
                    State.PACKAGING_REVISION: self.staff(Role.PACKAGING_REVIEWER),
                }
                return working.get(source, [])
        raise ValueError(event)

    # The steps.

    def take(self, step: str, at: datetime) -> None:
        rng, app = self.rng, self.app
        source = app.state
        comment = ""
        msme = self.business.owner if rng.random() < 0.8 else rng.choice(self.business.members)
        match step:
            case "submit":
                actor, role, target = msme, Role.MSME, State.SUBMITTED
            case "assign_curators":
                actor, role, target = self.coordinator, Role.COORDINATOR, State.IN_CURATION
                self.assign(at)
            case "request_revision":
                by_lead = rng.random() < 0.85
                actor = self.lead if by_lead else self.coordinator
                role = Role.CURATOR if by_lead else Role.COORDINATOR
                target = State.REVISION_REQUESTED
                comment = rng.choice(REVISION_MESSAGES)
                self.close_round(at, "revise")
                self.revision = self.s.writer.add(
                    self.m["RevisionRequest"](
                        application_id=app.pk,
                        requested_by_id=actor,
                        message=comment,
                        requested_at=at,
                        snapshot={"product": {"name": "", "documents": []}},
                    )
                )
            case "resubmit":
                actor, role, target = msme, Role.MSME, State.IN_CURATION
                comment = "Sudah kami lengkapi sesuai permintaan."
                if self.revision is not None:
                    self.revision.answer = comment
                    self.revision.answered_at = at
                    self.revision.changes = [{"field": "documents", "change": "added"}]
                self.open_round(at)
            case "pass_curation":
                actor, role, target = self.lead, Role.CURATOR, State.PACKAGING_REVIEW
                total, grade = self.close_round(at, "pass")
                app.final_score, app.grade = total, grade
                self.open_review(at)
            case "request_packaging_changes":
                actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                role, target = Role.PACKAGING_REVIEWER, State.PACKAGING_REVISION
                self.close_review(at, actor, failed=rng.randint(1, 3))
            case "resubmit_packaging":
                actor, role, target = msme, Role.MSME, State.PACKAGING_REVIEW
                document(
                    self.s, self.business.pk, self.product.pk, "packaging_photo", at=at, by=actor
                )
                self.open_review(at)
            case "approve_packaging":
                actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                role, target = Role.PACKAGING_REVIEWER, State.AWAITING_CERTIFICATION
                self.close_review(at, actor, failed=0)
            case "certify":
                actor = rng.choice(self.staff(Role.CERTIFYING_OFFICER))
                role, target = Role.CERTIFYING_OFFICER, State.CERTIFIED
                self.certificate(at, actor)
            case "reject":
                target = State.REJECTED
                comment = rng.choice(REJECT_REASONS)
                if source == State.SUBMITTED:
                    actor, role = self.coordinator, Role.COORDINATOR
                elif source == State.IN_CURATION:
                    actor, role = self.lead, Role.CURATOR
                    self.close_round(at, "reject")
                elif source == State.PACKAGING_REVIEW:
                    actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                    role = Role.PACKAGING_REVIEWER
                    self.close_review(at, None, failed=rng.randint(2, 4))
                else:
                    actor = rng.choice(self.staff(Role.CERTIFYING_OFFICER))
                    role = Role.CERTIFYING_OFFICER
            case "withdraw":
                actor, role, target = msme, Role.MSME, State.WITHDRAWN
            case _:
                raise ValueError(step)
        assert actor, f"nobody to take {step}"  # e.g. no lead curator assigned
        # The state field is protected (no assignment): the row is written only later, so
        # its attribute is changed in place.
        app.__dict__["state"] = target
        source_since = app.state_changed_at
        app.entered_state(at)
        self.s.writer.add(
            self.m["TransitionLog"](
                application_id=app.pk,
                transition=step,
                source=source,
                target=target,
                actor_id=actor,
                actor_role=role,
                at=at,
                source_since=source_since,
                comment=comment,
            )
        )
        self.notify(step, source, actor, at, comment)

    def finish(self) -> None:
        """What an open application has in hand now: part of the scores of its round, part
        of the checklist of its review."""
        if self.app.state == State.IN_CURATION and self.round is not None:
            for curator in self.curators:
                draw = self.rng.random()
                if draw < 0.45:
                    self.scoresheet(curator, "pass", self.app.state_changed_at, submitted=True)
                elif draw < 0.65:
                    self.scoresheet(curator, "", self.app.state_changed_at, submitted=False)
        if self.app.state == State.PACKAGING_REVIEW and self.rng.random() < 0.3:
            self.results(self.review, failed=0, partial=True)

    def notify(self, event: str, source: str, actor: int, at: datetime, comment: str) -> None:
        recipients = dict.fromkeys(self.recipients(event, source))
        recipients.pop(actor, None)
        age = self.s.now - at
        for user_id in recipients:
            read = self.rng.random() < (0.95 if age > timedelta(days=30) else 0.5)
            self.s.writer.add(
                self.m["Notification"](
                    recipient_id=user_id,
                    application_id=self.app.pk,
                    event=event,
                    comment=comment,
                    created_at=at,
                    read_at=min(at + self.s.days(0.05, 5), self.s.now) if read else None,
                    emailed_at=at + timedelta(minutes=1),
                )
            )

    # Curation.

    def assign(self, at: datetime) -> None:
        candidates = [c for c in self.staff(Role.CURATOR) if c not in self.business.conflicted]
        if self.business.planted_desk:  # the planted curator leads, with one other
            self.curators = [self.s.planted_curator, self.rng.choice(candidates)]
        else:
            count = min(len(candidates), 3 if self.rng.random() < 0.3 else 2)
            self.curators = self.rng.sample(candidates, count)
        self.lead = self.curators[0]
        m, writer = self.m, self.s.writer
        for curator in self.curators:
            writer.add(
                m["CuratorAssignment"](
                    application_id=self.app.pk,
                    curator_id=curator,
                    is_lead=curator == self.lead,
                    assigned_by_id=self.coordinator,
                    assigned_at=at,
                )
            )
        changes = [(c, "added") for c in self.curators] + [(self.lead, "made_lead")]
        for curator, change in changes:
            writer.add(
                m["CuratorAssignmentChange"](
                    application_id=self.app.pk,
                    curator_id=curator,
                    change=change,
                    round_number=1,
                    by_id=self.coordinator,
                    at=at,
                )
            )
        self.open_round(at)

    def open_round(self, at: datetime) -> None:
        self.rounds += 1
        self.round = self.s.writer.add(
            self.m["ScoringRound"](
                pk=self.s.next_id(self.m["ScoringRound"]),
                application_id=self.app.pk,
                number=self.rounds,
                opened_at=at,
            )
        )

    def close_round(self, at: datetime, outcome: str) -> tuple[Decimal, str]:
        """The round's scoresheets, as they stood when it closed; the aggregate when it
        passed."""
        assert self.round is not None
        self.round.closed_at = at
        sheets = []
        for curator in self.curators:
            if outcome == "pass" or curator == self.lead or self.rng.random() < 0.5:
                sheets.append(self.scoresheet(curator, outcome, at, submitted=True))
        if outcome != "pass":
            return Decimal(0), ""
        return self.aggregate(sheets)

    def scoresheet(
        self, curator: int, outcome: str, at: datetime, *, submitted: bool
    ) -> dict[int, int]:
        rng, m = self.rng, self.m
        quality = {
            "pass": rng.uniform(3.9, 4.8),
            "revise": rng.uniform(2.6, 3.8),
            "reject": rng.uniform(1.8, 3.0),
            "": rng.uniform(3.0, 4.5),
        }[outcome]
        pk = self.s.next_id(m["Scoresheet"])
        stamp = at - self.s.days(0, 2) if submitted else at
        self.s.writer.add(
            m["Scoresheet"](
                pk=pk,
                round_id=self.round.pk,
                curator_id=curator,
                recommendation=outcome,
                comment="Catatan kurator." if rng.random() < 0.3 else "",
                submitted_at=stamp if submitted else None,
                updated_at=stamp,
            )
        )
        criteria = self.s.criteria if submitted else self.s.criteria[: rng.randint(1, 5)]
        scores = {}
        for criterion in criteria:
            score = min(5, max(1, round(rng.gauss(quality, 0.6))))
            if outcome == "pass" and criterion.floor and score < criterion.floor + 1:
                score = criterion.floor + 1  # a pass clears every gate
            scores[criterion.pk] = score
            self.s.writer.add(
                m["Score"](
                    scoresheet_id=pk,
                    criterion_id=criterion.pk,
                    score=score,
                    comment="Baik." if rng.random() < 0.2 else "",
                )
            )
        return scores

    def aggregate(self, sheets: list[dict[int, int]]) -> tuple[Decimal, str]:
        """assessments.scoring.aggregate's total and grade, on these scores."""
        criteria = self.s.criteria
        weight_sum = sum(c.weight for c in criteria)
        weighted = Decimal(0)
        for criterion in criteria:
            marks = [sheet[criterion.pk] for sheet in sheets]
            weighted += criterion.weight * Decimal(sum(marks)) / len(marks)
        total = (weighted * 100 / (5 * weight_sum)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        grade = self.s.rubric.grade_for(total)["grade"]
        return total, grade

    # Packaging.

    def open_review(self, at: datetime) -> None:
        self.reviews += 1
        self.review = self.s.writer.add(
            self.m["PackagingReview"](
                pk=self.s.next_id(self.m["PackagingReview"]),
                application_id=self.app.pk,
                number=self.reviews,
                checklist_id=self.s.checklist.pk,
                opened_at=at,
            )
        )

    def close_review(self, at: datetime, reviewer: int | None, *, failed: int) -> None:
        assert self.review is not None
        self.review.closed_at = at
        self.review.reviewer_id = reviewer
        self.results(self.review, failed=failed)

    def results(self, review: Any, *, failed: int, partial: bool = False) -> None:
        rng = self.rng
        markets = set(self.product.markets)
        items = [i for i in self.s.items if i.applies_to(self.product.food, markets)]
        if partial:
            items = items[: max(1, len(items) // 2)]
        failing = {i.pk for i in rng.sample(items, min(failed, len(items)))}
        for item in items:
            if item.pk in failing:
                result, note = "fail", rng.choice(PACKAGING_NOTES)
            elif not item.mandatory and rng.random() < 0.2:
                result, note = "na", ""
            else:
                result, note = "pass", ""
            self.s.writer.add(
                self.m["PackagingItemResult"](
                    review_id=review.pk, item_id=item.pk, result=result, note=note
                )
            )

    # Certification.

    def certificate(self, at: datetime, officer: int) -> None:
        s, m, app = self.s, self.m, self.app
        region = self.business.region
        office = self.business.office  # its own number series
        year = at.year
        s.certificate_serials[(office.pk, year)] += 1
        serial = s.certificate_serials[(office.pk, year)]
        pk = s.next_id(m["Certificate"])
        grade = next(
            (g for g in s.rubric.grades if g["grade"] == app.grade),
            {"id": "", "en": ""},
        )
        s.writer.add(
            m["Certificate"](
                pk=pk,
                application_id=app.pk,
                product_id=self.product.pk,
                region_id=region.pk,
                office_id=office.pk,
                office_name=office.name,
                year=year,
                serial=serial,
                number=f"SKE/{office.code}/{year}/{serial:05d}",
                verification_code=s.hexdigest(32),
                business_name=self.business.name,
                product_name=self.product.name,
                grade=app.grade,
                grade_id_label=grade["id"],
                grade_en_label=grade["en"],
                final_score=app.final_score,
                markets=[
                    {"key": key, "id": s.markets[key].name_id, "en": s.markets[key].name_en}
                    for key in self.product.markets
                ],
                officer_id=officer,
                officer_name="Pejabat Penandatangan",
                issued_at=at,
                valid_until=(at + timedelta(days=730)).date(),
                pdf=f"certificates/{year}/{s.hexdigest(32)}.pdf",
                pdf_sha256=s.hexdigest(),
                pdf_size=self.rng.randint(80_000, 120_000),
                rendered_at=at + timedelta(seconds=20),
                render_attempts=1,
                dossier_rendered_at=at + timedelta(seconds=40),
            )
        )
        s.writer.add(
            m["CertificateEvent"](certificate_id=pk, kind="issued", actor_id=officer, at=at)
        )
