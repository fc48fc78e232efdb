"""The demo's coaching (`coaching.demo`, run by seed_demo): a programme of the office
serving the region, the rejected application referred by its lead, the owner's
attendance; a second run adds nothing."""

import json

from coaching.demo import DATA, seed_coaching
from coaching.models import CoachingProgramme, Referral
from curation.demo import SeedReport
from tests.coaching.helpers import rejected_low


def test_the_demo_refers_the_rejected_application_once(office, tmp_path):
    rejected = rejected_low(office)
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    [programme] = spec["programmes"]
    programme.update(region=office.business.region.code)
    programme["referrals"][0]["product"] = office.product.name
    data = tmp_path / "programmes.json"
    data.write_text(json.dumps(spec), encoding="utf-8")

    report = SeedReport()
    seed_coaching(report, data)
    seed_coaching(report, data)

    made = CoachingProgramme.objects.get()
    assert made.office == office.coordinator.profile.office
    referral = Referral.objects.get()
    assert referral.application == rejected
    assert referral.referred_by == office.lead
    assert referral.criteria == ["packaging_labeling", "market_digital"]
    assert referral.attended_at is not None
    assert report.created["coaching referrals"] == 1
    assert report.found["coaching referrals"] == 1


def test_a_region_no_office_serves_is_skipped(db, tmp_path):
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    spec["programmes"][0]["region"] = "99.99"
    data = tmp_path / "programmes.json"
    data.write_text(json.dumps(spec), encoding="utf-8")

    seed_coaching(SeedReport(), data)

    assert not CoachingProgramme.objects.exists()
