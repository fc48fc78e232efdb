"""Pages of the workflow: dashboard, application lists and page, taking a transition,
notifications, language. Views stay thin: load through the selectors, validate a form,
call one service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Scoresheet
from assessments.permissions import can_view_packaging_review
from assessments.plain_words import in_words
from curation import assignments, deadlines, services
from curation import permissions as perms
from curation.conflicts import flagged_assignments
from curation.evidence import evidence_for
from curation.forms import ReassignCuratorsForm, TransitionForm
from curation.identity import is_exporter_home
from curation.models import Application, CuratorAssignment, Notification
from curation.next_steps import Known, next_step, served_regions
from curation.permissions import can_reassign_curators
from curation.prefetches import MARKETS, PACKAGING, with_assessments
from curation.selectors import (
    applications_visible_to,
    business_reads,
    get_application_for_user,
    region_choices,
    staff_region_ids,
    user_roles,
    visible_among,
    visible_curation_result,
    visible_curation_result_in_one_read,
    with_certificates,
    work_queues,
)
from curation.timeline import timeline_for
from curation.transitions import SPECS, read_by, stale_message
from kernel.errors import WorkflowError, show_workflow_error
from kernel.pagination import paginate
from kernel.roles import Role
from kernel.states import FINAL_STATES, State
from products.models import Region
from products.permissions import is_business_member, member_business_roles
from products.selectors import expiring_documents, product_ids_matching


def home(request):
    if not request.user.is_authenticated:
        return render(request, "curation/landing.html")
    user = request.user
    roles = user_roles(user)
    businesses = list(member_business_roles(user))
    if is_exporter_home(user):
        return redirect("certificates:shared")
    if roles <= {Role.MSME} and not user.is_staff and not businesses:
        # A new MSME account (or one without a business yet) registers its business, or
        # finds there the invitation that makes it a member of one.
        return redirect("products:business_new")
    visible = applications_visible_to(user)
    context = {
        "roles": roles,
        # The office's figures (the statistics page, in the catalogue's app), for those
        # who plan with them.
        "statistics": bool(roles & STATISTICS_ROLES),
        "queues": [
            (role, Role(role).label, queue.order_by("state_changed_at")[:10], queue.count())
            for role, queue in work_queues(user)
        ],
    }
    if Role.MSME in roles:
        mine = visible.filter(product__business_id__in=businesses).order_by("-state_changed_at")
        # The certificate with each row (a certified application's next step depends on it)
        # and its coaching referrals: a rejected one's next step may be to attend one.
        rows = list(
            mine.select_related("certificate__superseded_by").prefetch_related("referrals")[:20]
        )
        served = served_regions({application.region_id for application in rows})
        context["my_applications"] = [
            (
                application,
                next_step(application, user, Known(served=application.region_id in served)),
            )
            for application in rows
        ]
        context["has_business"] = bool(businesses)
        context["expiring_documents"] = expiring_documents(user)[:10]
    return render(request, "curation/dashboard.html", context)


@login_required
def application_list(request):
    # ?queue=<role>: one of the dashboard's work queues, in full (each is a part of the
    # applications the user sees); otherwise all of those.
    queue = request.GET.get("queue", "")
    queues = dict(work_queues(request.user))
    applications = queues[queue] if queue in queues else applications_visible_to(request.user)
    # The regions the user's applications come from: the choices of the region filter.
    regions = {r.code: r for r in region_choices(request.user)}
    query = request.GET.get("q", "").strip()
    if query:
        applications = applications.filter(product__in=product_ids_matching(query))
    state = request.GET.get("state", "")
    if state in State.values:
        applications = applications.filter(state=state)
    region = request.GET.get("region", "")
    if region in regions:
        applications = applications.filter(region=regions[region])
    page = paginate(request, applications.order_by("-state_changed_at", "-pk"), search=bool(query))
    page.object_list = with_certificates(page.object_list)
    return render(
        request,
        "curation/application_list.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "states": State.choices,
            "region": region,
            "regions": list(regions.values()),
            "queue": queue,
            "queues": [(role, Role(role).label) for role in queues],
        },
    )


@login_required
def application_detail(request, pk):
    user = request.user
    application = get_application_for_user(user, pk)
    member = is_business_member(user, application)
    # The page offers each step of the user's job in this state, with what still blocks
    # it: load what those steps' conditions read, each once, and no more (the result is
    # read in one query unless passing curation loaded the scoresheets anyway).
    steps = [
        name for name in SPECS if services.is_offered(user=user, application=application, name=name)
    ]
    lookups = [*MARKETS, *read_by(steps)]
    if member and application.state == State.PACKAGING_REVISION:
        lookups += PACKAGING  # the business's part lists what the packaging review failed
    with_assessments(application, *dict.fromkeys(lookups))
    offered = services.offered_transitions(user=user, application=application)
    timeline = timeline_for(application, viewer_is_member=member)
    result = (
        visible_curation_result(user, application)
        if "pass_curation" in steps
        else visible_curation_result_in_one_read(user, application)
    )
    context = {
        "application": application,
        "is_member": member,
        "actions": [
            {"name": name, "label": SPECS[name].label, "problems": problems}
            for name, problems in offered.items()
        ],
        "timeline": timeline,
        "result": result,
        "result_in_words": in_words(result, application.rubric) if result else None,
        "next_step": next_step(application, user, Known(offered=offered, timeline=timeline)),
        "workspaces": []
        if member
        else staff_workspaces(user, application, {entry.transition for entry in timeline}),
        "curators": [] if member else flag_curators(application),
        # Who submitted it, and the phone the office reaches her on (curation.person).
        "applicant": None if member else next((e for e in timeline if e.phone), None),
        # Who curated it when, by whom and why: staff only (the business never learns who
        # its curators are).
        "history": [] if member else assignments.assignment_history(application),
        # Staff judge from the evidence; the business has its own part of the page.
        "evidence": None
        if member
        else evidence_for(
            application,
            revised=any(entry.transition == "request_revision" for entry in timeline),
        ),
    }
    return render(request, "curation/application_detail.html", context)


def flag_curators(application):
    """The application's curators, each assignment marked (`cannot_act`) where the curator
    can no longer act on it: a conflict of interest declared after the assignment, or a
    deactivated account (both read with the assignments). The coordinator sees it, to
    choose another curator."""
    curators = perms.curator_assignments(application)
    if application.state not in (State.IN_CURATION, State.REVISION_REQUESTED):
        return curators
    for assignment in curators:
        if not assignment.curator.is_active:
            assignment.cannot_act = _("account deactivated: choose another curator")
        elif getattr(assignment, "conflicted", False):
            assignment.cannot_act = _("declared a conflict of interest: choose another curator")
    return curators


def staff_workspaces(user, application, steps_taken: set[str]) -> list[tuple[str, str]]:
    """Links to the staff pages of this application that this user may open now. The
    steps taken so far (its history) say which have something to show: the curation
    result once curators were assigned (and scoring began), the packaging checklist once
    it passed curation (and its packaging review began)."""
    state = application.state
    links = []
    if perms.can_score.test(user, application) and state == State.IN_CURATION:
        links.append((reverse("curation:scoresheet", args=[application.pk]), _("Scoresheet")))
    if perms.can_view_curation.test(user, application) and "assign_curators" in steps_taken:
        links.append((reverse("curation:curation", args=[application.pk]), _("Curation result")))
    if can_view_packaging_review.test(user, application) and "pass_curation" in steps_taken:
        links.append(
            (reverse("curation:packaging", args=[application.pk]), _("Packaging checklist"))
        )
    if perms.can_view_certification_review.test(user, application) and state not in (
        State.DRAFT,
        State.WITHDRAWN,
    ):
        links.append(
            (reverse("curation:certification_review", args=[application.pk]), _("Dossier"))
        )
    if perms.can_reassign_curators.test(user, application):
        links.append(
            (reverse("curation:application_curators", args=[application.pk]), _("Change curators"))
        )
    return links


@login_required
def application_transition(request, pk, name):
    """GET: the confirmation form for one action; POST: take it through its service."""
    spec = SPECS.get(name)
    if spec is None:
        raise Http404
    application = get_application_for_user(request.user, pk)
    # The state the page was showing: a second click, or a page left open while someone
    # else acted, must not act twice or on a state the user never saw.
    if request.method == "POST" and request.POST.get("state") != application.state:
        messages.error(request, stale_message(application))
        return redirect("curation:application", pk=pk)
    if not services.is_offered(user=request.user, application=application, name=name):
        problems = services.transition_problems(
            user=request.user, application=application, name=name
        )
        return render(
            request,
            "curation/transition_refused.html",
            {"application": application, "problems": problems},
            status=403,
        )
    # What the step's conditions (and what its form asks for) read, loaded once for the
    # page; the service reads them again on the application it locks.
    with_assessments(application, *read_by([name]))
    form = TransitionForm(request.POST or None, spec=spec, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            spec.service(application=application, by=request.user, **form.service_kwargs())
        except WorkflowError as e:
            show_workflow_error(request, e)
            if e.stale:
                return redirect("curation:application", pk=pk)
        else:
            messages.success(request, spec.done_message(application))
            return redirect("curation:application", pk=pk)
    return render(
        request,
        "curation/transition.html",
        {
            "application": application,
            "spec": spec,
            "label": spec.label,
            "form": form,
            "problems": services.transition_problems(
                user=request.user, application=application, name=name
            ),
            # Staff writing to the business see which language it reads.
            "business_reads": business_reads(application)
            if form.written_input.shown_to_msme
            and not is_business_member(request.user, application)
            else "",
        },
    )


OPEN_STATES = [(value, label) for value, label in State.choices if value not in FINAL_STATES]


# Who reads the office's statistics (`catalogue.statistics`, which holds the rule): the
# regional head, who has no overview, is sent there from it.
STATISTICS_ROLES = {Role.REGIONAL_ADMIN, Role.OFFICE_ADMIN, Role.COORDINATOR}


@login_required
def overview(request):
    """Every open application of the coordinator's regions, with days in its state and
    the ones past their office's target (`offices.StageTarget`) flagged; filtered by region, state,
    overdue and a search. A fixed number of queries whatever the number of rows."""
    roles = user_roles(request.user)
    if Role.COORDINATOR not in roles:
        if roles & STATISTICS_ROLES:
            return redirect("statistics:page")
        raise PermissionDenied
    region_ids = staff_region_ids(request.user)
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("code"))
    applications = applications_visible_to(request.user).open().filter(region__in=region_ids)
    if own := list(member_business_roles(request.user)):
        # A coordinator never handles their own business's application.
        applications = applications.exclude(product__business_id__in=own)
    query = request.GET.get("q", "").strip()
    if query:
        applications = applications.filter(product__in=product_ids_matching(query))
    region = request.GET.get("region", "")
    if chosen := next((r for r in regions if r.code == region), None):
        applications = applications.filter(region=chosen)
    state = request.GET.get("state", "")
    if state in dict(OPEN_STATES):
        applications = applications.filter(state=state)
    # Each application against its office's targets (working days: `curation.deadlines`).
    targets = deadlines.all_targets()
    now = timezone.now()
    today = timezone.localdate(now)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        # Overdue: entered its state before its office's target's cut-off for today.
        late = Q(pk__in=[])
        for region_id in region_ids:
            for target_state, target in targets.for_region(region_id).items():
                late |= Q(
                    region=region_id,
                    state=target_state,
                    state_changed_at__lt=target.overdue_if_entered_before(today),
                )
        applications = applications.filter(late)
    applications = applications.prefetch_related(
        Prefetch(
            "assignments",
            queryset=CuratorAssignment.objects.select_related("curator").order_by("-is_lead", "pk"),
        )
    ).order_by("state_changed_at", "pk")
    page = paginate(request, applications, search=bool(query))
    # Curators who can no longer act (a conflict declared since, a deactivated account).
    flagged = flagged_assignments([application.pk for application in page])
    rows = []
    for application in page:
        days = (now - application.state_changed_at).days
        target = targets.get(application.region_id, application.state)
        since = timezone.localdate(application.state_changed_at)
        rows.append(
            {
                "application": application,
                "days": days,
                "target": target.days if target is not None else None,
                "overdue": target is not None and target.is_overdue(since, today),
                "curators": list(application.assignments.all()),
                "flagged": flagged.get(application.pk, set()),
            }
        )
    return render(
        request,
        "curation/overview.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "region": region,
            "regions": regions,
            "state": state,
            "states": OPEN_STATES,
            "overdue_only": overdue_only,
        },
    )


@login_required
def application_curators(request, pk):
    """The coordinator changes the curators of an application in curation (not a
    transition: see `assignments.application_reassign_curators`)."""
    application = get_application_for_user(request.user, pk)
    if not can_reassign_curators.test(request.user, application):
        return render(
            request,
            "curation/transition_refused.html",
            {
                "application": application,
                "problems": [
                    _(
                        "Only the coordinator of the application's region can change its "
                        "curators, and only while it is in curation."
                    )
                ],
            },
            status=403,
        )
    history = assignments.assignment_history(application)
    version = assignments.assignment_version(application, history)
    form = ReassignCuratorsForm(request.POST or None, application=application, version=version)
    if request.method == "POST":
        if request.POST.get("state") != application.state:
            messages.error(request, stale_message(application))
            return redirect("curation:application", pk=pk)
        if form.is_valid():
            try:
                assignments.application_reassign_curators(
                    application=application, by=request.user, **form.service_kwargs()
                )
            except WorkflowError as e:
                show_workflow_error(request, e)
                if e.stale:
                    return redirect("curation:application", pk=pk)
            else:
                messages.success(
                    request,
                    _(
                        "The curators of %(product)s are changed; those added or removed have "
                        "been told by e-mail. Scoring goes on in the same round."
                    )
                    % {"product": application.product.name},
                )
                return redirect("curation:application", pk=pk)
    current_round = application.current_round
    sheets = {sheet.curator_id: sheet for sheet in Scoresheet.objects.filter(round=current_round)}
    return render(
        request,
        "curation/reassign.html",
        {
            "application": application,
            "form": form,
            "rows": form.curator_rows(sheets),
            "round": current_round,
            "history": history,
        },
    )


@login_required
def notification_list(request):
    notices = (
        Notification.objects.filter(recipient=request.user)
        .select_related("application__product__business")
        .order_by("-created_at")
    )
    page = paginate(request, notices)
    # A notice opens the page it names (a reminder's), else the application for whoever
    # may see it; an exporter, who never sees the application, is sent to the certificate
    # shared with them instead.
    application_ids = {notice.application_id for notice in page if not notice.path} - {None}
    visible = visible_among(request.user, application_ids)
    certificates = dict(
        Application.objects.filter(
            pk__in=application_ids - visible, certificate__isnull=False
        ).values_list("pk", "certificate")
    )
    for notice in page:
        if notice.path:
            notice.link = notice.path
        elif notice.application_id in visible:
            notice.link = reverse("curation:application", args=[notice.application_id])
        elif notice.application_id in certificates:
            notice.link = reverse("certificates:detail", args=[certificates[notice.application_id]])
        else:
            notice.link = None
    return render(request, "curation/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("curation:notifications")


@require_POST
def language_set(request):
    """Switch the interface language; a signed-in user's choice is kept in their profile
    (and used for their e-mails)."""
    language = request.POST.get("language")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(translation.trans_real.get_languages()):
        translation.activate(language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
        if request.user.is_authenticated:
            request.user.profile.language = language
            request.user.profile.save(update_fields=["language"])
    return response
