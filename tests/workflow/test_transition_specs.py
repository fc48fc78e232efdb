"""One declaration per transition (STYLE.md, rule 13): every transition of the
application's state machine has exactly one spec (curation/transitions.py) and every spec
names a real transition; each spec's service takes the transition with keyword-only
arguments; and its written input is what the pages' form and the API ask for, under the
keyword the service takes."""

import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from curation import services
from curation.api import TransitionInputSerializer
from curation.forms import TransitionForm
from curation.models import Application
from curation.transitions import SPECS, _by_name, service_for
from kernel.roles import Role

# Every (transition, source state) pair of the machine, as django-fsm knows it.
MACHINE = list(Application._meta.get_field("state").get_all_transitions(Application))


def required_keywords(service) -> set[str]:
    """The service's keywords without a default, besides `application` and `by`."""
    return {
        name
        for name, parameter in inspect.signature(service).parameters.items()
        if parameter.default is inspect.Parameter.empty
    } - {"application", "by"}


def test_every_transition_of_the_machine_has_exactly_one_spec():
    assert sorted(SPECS) == sorted({transition.name for transition in MACHINE})
    assert all(spec.name == name for name, spec in SPECS.items())


def test_a_transition_cannot_be_declared_twice():
    with pytest.raises(ImproperlyConfigured):
        _by_name(SPECS["submit"], SPECS["withdraw"], SPECS["submit"])


@pytest.mark.parametrize("name", SPECS)
def test_its_service_is_keyword_only_and_takes_it(name):
    service = SPECS[name].service
    assert service is getattr(services, f"application_{name}")
    parameters = list(inspect.signature(service).parameters.values())
    assert [p.name for p in parameters[:2]] == ["application", "by"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


def test_one_service_per_transition():
    assert len({id(spec.service) for spec in SPECS.values()}) == len(SPECS)
    with pytest.raises(ImproperlyConfigured):
        service_for("submit")(lambda *, application, by: application)
    with pytest.raises(ImproperlyConfigured):
        service_for("not_a_transition")


@pytest.mark.parametrize(("name", "source"), [(t.name, t.source) for t in MACHINE])
def test_its_acting_role_is_a_role_from_every_source(name, source):
    assert SPECS[name].role_of(Application(state=source), AnonymousUser()) in Role


@pytest.mark.parametrize("name", SPECS)
def test_its_written_input_is_what_the_form_and_the_api_take(name, office):
    spec = SPECS[name]
    written = spec.written_input
    # The service takes it, and needs nothing the form and the API do not ask for.
    assert written.field in inspect.signature(spec.service).parameters
    expected = {written.field} if written.required else set()
    if spec.picks_curators:
        expected |= {"curators", "lead"}
    assert required_keywords(spec.service) == expected

    application = office.new_application()
    form = TransitionForm(spec=spec, application=application)
    assert set(form.fields) == {"comment"} | (
        {"curators", "lead"} if spec.picks_curators else set()
    )
    assert form.fields["comment"].label == written.label
    assert form.fields["comment"].required == written.required

    picked = {"curators": [office.lead.pk, office.curator.pk], "lead": office.lead.pk}
    data = {"comment": " Fix the label. ", **(picked if spec.picks_curators else {})}
    form = TransitionForm(data, spec=spec, application=application)
    assert form.is_valid(), form.errors
    kwargs = form.service_kwargs()
    assert kwargs[written.field] == "Fix the label."
    assert set(kwargs) == {written.field} | ({"curators", "lead"} if spec.picks_curators else set())
    inspect.signature(spec.service).bind(application=application, by=office.msme, **kwargs)

    blank = TransitionForm({**data, "comment": ""}, spec=spec, application=application)
    assert blank.is_valid() is not written.required

    # The API reads the same input (`comment`, and the curators where they are picked)
    # and hands it over the same way.
    assert {"comment", "curators", "lead"} <= set(TransitionInputSerializer().fields)
    api_kwargs = spec.service_kwargs(comment="x", curators=[office.lead], lead=office.lead)
    assert set(api_kwargs) == set(kwargs)


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_its_notice_and_its_done_message_name_the_product(name, language):
    notice = SPECS[name].notice
    params = {"product": "Sambal Pecel", "business": "Sambal Bu Rini", "due": "1 Mei 2027"}
    assert notice.messages, "a transition tells somebody"
    with translation.override(language):
        for message in notice.messages:
            subject, body = str(message.subject) % params, str(message.body) % params
            assert "Sambal Pecel" in subject + body
        done = str(SPECS[name].done) % params
    assert "Sambal Pecel" in done or "Sambal Bu Rini" in done
    assert str(SPECS[name].label) not in done
    assert callable(notice.recipients)


def test_certify_issues_through_the_certificates_app_s_receiver(office, bring_to):
    """The workflow does not import the certificates app: certify sends
    `application_certified`, which certificates receives. Without a receiver, certify
    refuses and changes nothing, rather than certifying without a certificate."""
    from django.core.exceptions import ImproperlyConfigured

    from certificates.models import Certificate
    from certificates.signals import issue_certificate
    from curation.signals import application_certified

    application = bring_to("awaiting_certification")
    uid = "certificates_issue_on_certify"
    assert application_certified.disconnect(dispatch_uid=uid)
    try:
        with pytest.raises(ImproperlyConfigured):
            services.application_certify(application=application, by=office.officer)
    finally:
        application_certified.connect(issue_certificate, dispatch_uid=uid)
    application.refresh_from_db()
    assert application.state == "awaiting_certification"
    assert not Certificate.objects.filter(application=application).exists()

    services.application_certify(application=application, by=office.officer)
    application.refresh_from_db()
    assert application.state == "certified"
    assert Certificate.objects.get(application=application).number
