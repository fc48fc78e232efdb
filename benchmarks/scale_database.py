"""The parts of `make bench-scale` (benchmarks/scale.py) that run inside Django, against the
one database of the environment's DATABASE_URL, each in a process of its own:

    python -m benchmarks.scale_database prepare SIZE MARKER [--seed]
        Migrate. With --seed (the database is new): the reference data, the dataset of
        benchmarks/scale_dataset.py, VACUUM ANALYZE, then MARKER as the database's comment
        (what tells a later run that this database is seeded, at this size and version).
        Then choose the users whose pages are timed and give each a signed-in session.
        Prints JSON: {"cookie", "seed_seconds", "counts", "personas": {role: {...}}}.
    python -m benchmarks.scale_database explain PERSONAS_JSON PAGES_JSON
        EXPLAIN ANALYZE of each work queue's queries, built as the application list builds
        them (selectors, paginator), and the SQL each timed page runs (one request each,
        in this process). Prints text.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from importlib import import_module
from typing import Any

import django

from benchmarks.scale_vocabulary import BUSIEST

QUEUE_ROLES = ("coordinator", "curator", "packaging_reviewer", "certifying_officer")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(size: int, marker: str, *, seed: bool) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from benchmarks.scale_dataset import Seeder

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)
    if pending and not seed:
        # A migration may have rewritten rows (filled a new column): tidy up and count
        # again as autovacuum would in production (a server may run without it).
        log(f"  [{size:,}] {len(pending)} migrations applied; VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    seconds = None
    if seed:
        started = time.monotonic()
        call_command("load_reference_data", verbosity=0)
        with connection.cursor() as cursor:
            # A throwaway database: its commits need not wait for the disk.
            cursor.execute("SET synchronous_commit TO off")
        result = Seeder(size, log=log).run()
        # The catalogue list's copy, which the models' saves keep current and bulk_create
        # bypasses.
        from catalogue.listed import rebuild

        rebuild()
        log(f"  [{size:,}] {result['applications']:,} applications written; VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
            name = connection.settings_dict["NAME"]
            cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
        seconds = time.monotonic() - started
        log(f"  [{size:,}] seeded in {seconds:.0f} s")
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "seed_seconds": seconds,
        "counts": table_counts(),
        "personas": personas(),
    }


def table_counts() -> dict[str, int]:
    from django.apps import apps
    from django.db.models import Count

    labels = {
        "businesses": "products.Business",
        "products": "products.Product",
        "documents": "products.Document",
        "curator assignments": "curation.CuratorAssignment",
        "audit rows": "curation.TransitionLog",
        "scores": "assessments.Score",
        "checklist results": "assessments.PackagingItemResult",
        "notifications": "curation.Notification",
        "certificates": "certificates.Certificate",
    }
    counts = {"users": apps.get_model("auth.User").objects.count()}
    counts |= {name: apps.get_model(label).objects.count() for name, label in labels.items()}
    states = (
        apps.get_model("curation.Application")
        .objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    counts |= {f"applications {state}": n for state, n in states}
    return counts


# The users whose pages are timed.


def personas() -> dict[str, dict[str, Any]]:
    """For each staff role, two users, each with a signed-in session: the planted office's
    (whose queues hold the same rows at every size: the pages judged on both goals), and
    the one with the longest queue in the data (`<role>@busiest`: judged on the time
    alone, since their rows grow with the data); and the planted MSME, the planted
    curator and the superuser."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarks.scale_vocabulary import (
        PERSONA_CURATOR,
        PERSONA_MSME,
        PLANTED_REGION,
        SUPERUSER,
    )
    from kernel.roles import Role
    from kernel.states import State

    users = get_user_model()
    application = apps.get_model("curation.Application")
    assignment = apps.get_model("curation.CuratorAssignment")
    apps.get_model("sessions.Session").objects.all().delete()  # earlier runs' sessions

    by_region: dict[int, Counter[str]] = defaultdict(Counter)
    for region, state, n in (
        application.objects.order_by()
        .values_list("product__business__region", "state")
        .annotate(n=Count("pk"))
    ):
        by_region[region][state] += n

    def staff(role: str) -> dict[int, tuple[str, list[int]]]:
        people: dict[int, tuple[str, list[int]]] = {}
        # The regions their office serves.
        for pk, username, region in users.objects.filter(groups__name=role).values_list(
            "pk", "username", "profile__office__served__region"
        ):
            regions = people.setdefault(pk, (username, []))[1]
            if region is not None:
                regions.append(region)
        return people

    region_codes = dict(apps.get_model("products.Region").objects.values_list("pk", "code"))
    planted_region = next(pk for pk, code in region_codes.items() if code == PLANTED_REGION)

    def codes(regions: list[int]) -> str:
        return "+".join(sorted(region_codes[r] for r in regions))

    chosen: dict[str, tuple[int, str, str]] = {}
    queue_state = {
        Role.COORDINATOR: State.SUBMITTED,
        Role.PACKAGING_REVIEWER: State.PACKAGING_REVIEW,
        Role.CERTIFYING_OFFICER: State.AWAITING_CERTIFICATION,
        Role.REGIONAL_ADMIN: None,  # everything in their regions
    }
    for role, state in queue_state.items():
        sizes = {}
        for pk, (username, regions) in staff(role).items():
            regional = sum(sum(by_region[r].values()) for r in regions)
            waiting = sum(by_region[r][state] for r in regions) if state else regional
            detail = f"{regional:,} in all in regions {codes(regions)}"
            if state:
                detail = f"{waiting:,} {state}, {detail}"
            sizes[pk] = (username, waiting, detail)
        # The planted office's (its one region, the planted one): the same rows at every
        # size. And the one with the most waiting: the busiest office at this size.
        planted = [pk for pk, (_u, regions) in staff(role).items() if regions == [planted_region]]
        chosen[role] = (planted[0], *sizes[planted[0]][::2])
        busiest = max(sizes.items(), key=lambda item: (item[1][1], item[1][0]))
        chosen[f"{role}{BUSIEST}"] = (busiest[0], *busiest[1][::2])

    curator = users.objects.get(username=PERSONA_CURATOR)
    desk = assignment.objects.filter(curator=curator)
    active = desk.filter(application__state=State.IN_CURATION).count()
    detail = f"{active:,} in curation, {desk.count():,} assigned, the same at every size"
    chosen[Role.CURATOR] = (curator.pk, curator.username, detail)

    msme = users.objects.get(username=PERSONA_MSME)
    own = application.objects.filter(product__business__memberships__user=msme).count()
    businesses = msme.memberships.count()
    chosen[Role.MSME] = (msme.pk, msme.username, f"{own:,} applications, {businesses} businesses")
    admin = users.objects.get(username=SUPERUSER)
    chosen["superuser"] = (admin.pk, admin.username, "superuser")

    result = {}
    for key, (pk, username, detail) in chosen.items():
        user = users.objects.get(pk=pk)
        their_regions = sorted(
            user.profile.office.served.values_list("region__code", flat=True)
            if user.profile.office
            else []
        )
        result[str(key)] = {
            "username": username,
            "detail": detail,
            "regions": their_regions,
            "session": signed_in_session(user),
        }
    # The buyer: no account. Their product page is the planted MSME's first product in the
    # catalogue (the same product at every size: the planted rows come first).
    from catalogue.selectors import catalogue_entries

    entries = catalogue_entries()
    product = (
        entries.filter(product__business__name="Sambal Bu Rini")
        .order_by("product_id")
        .values_list("product_id", flat=True)
        .first()
    )
    result["buyer"] = {
        "username": "(anonymous)",
        "detail": f"{entries.count():,} products in the catalogue; the page of product {product}",
        "regions": [],
        "session": "",
        "params": {"listed_product": product},
    }
    return result


def signed_in_session(user: Any) -> str:
    """A session as the sign-in leaves it: the user, their password and (for staff) TOTP
    recorded as this session's authentication, the second factor not missing."""
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    try:
        from curation.two_factor import SESSION_KEY as TWO_FACTOR_MISSING
    except ImportError:  # moved: the name it had
        TWO_FACTOR_MISSING = "two_factor_missing"

    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "username": user.username}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session[TWO_FACTOR_MISSING] = False
    session.create()
    return session.session_key


# EXPLAIN.


def explain(personas: dict[str, dict[str, Any]], pages: list[dict[str, str]]) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from curation.selectors import work_queues
    from kernel.pagination import PAGE_SIZE, BoundedPaginator

    out: list[str] = []

    def explain_sql(sql: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())

    users = get_user_model()
    busiest = [f"{role}{BUSIEST}" for role in QUEUE_ROLES if f"{role}{BUSIEST}" in personas]
    for key in [*QUEUE_ROLES, *busiest]:
        role, persona = key.removesuffix(BUSIEST), personas[key]
        user = users.objects.get(username=persona["username"])
        queues: dict[str, Any] = dict(work_queues(user))
        # As the application list shows it with ?queue=<role>.
        listed = queues[role].order_by("-state_changed_at", "-pk")
        paginator = BoundedPaginator(listed, PAGE_SIZE)
        with CaptureQueriesContext(connection) as captured:
            rows = paginator.count
        out.append(f"\n== {key} queue of {persona['username']} ({persona['detail']})")
        counted = f"more than {paginator.counted_rows:,}" if paginator.more else f"{rows:,}"
        out.append(f"-- the count ({counted} rows):\n{captured.captured_queries[-1]['sql']}\n")
        out.append(explain_sql(captured.captured_queries[-1]["sql"]))
        page = listed[:PAGE_SIZE]
        with CaptureQueriesContext(connection) as captured:
            list(page)
        out.append(f"\n-- the first page:\n{captured.captured_queries[-1]['sql']}\n")
        out.append(page.explain(analyze=True, buffers=True))

    out.append("\n== The SQL of each timed page (one request each, in-process)")
    for page_spec in pages:
        persona = personas[page_spec["role"]]
        client = Client(HTTP_HOST="127.0.0.1")
        if persona["session"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = persona["session"]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                status = str(client.get(page_spec["path"]).status_code)
            except Exception as error:  # a broken page is reported, not fatal here
                status = f"error: {type(error).__name__}: {error}"
            elapsed = (time.perf_counter() - started) * 1000
        queries = captured.captured_queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        out.append(
            f"\n{page_spec['label']} ({page_spec['path']}): {status}, {elapsed:.0f} ms, "
            f"{len(queries)} queries, {sql_ms:.0f} ms of SQL; the slowest:"
        )
        for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]:
            sql = " ".join(query["sql"].split())
            out.append(f"  {float(query['time']) * 1000:8.1f} ms  {sql[:400]}")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    django.setup()
    match argv:
        case ["prepare", size, marker, *flags]:
            result = prepare(int(size), marker, seed="--seed" in flags)
            print(json.dumps(result))
        case ["explain", personas_json, pages_json]:
            print(explain(json.loads(personas_json), json.loads(pages_json)))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
