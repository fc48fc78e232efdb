"""The deployment smoke test: the topology of docs/deployment.md running on this machine
(two gunicorn processes, two task workers, PostgreSQL, S3, Redis; see conftest.py) holds
under concurrent certifications, a killed worker, and a rate limit shared by both web
processes. Run it with `pytest -m deployment`; `.ci/run` requires it."""

import hashlib
import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import certificate_helpers
from tests.deployment.environment import OFFICE_KEY_NAME, VERIFY_RATE_LIMIT
from tests.deployment.topology import wait_for

pytestmark = pytest.mark.deployment

OFFICER_ADDRESS = "198.51.100.7"  # as the proxy reports it (X-Forwarded-For)


def through_proxy(*, client: str) -> dict:
    """The headers our one trusted proxy adds: the request came over HTTPS, from `client`."""
    return {"X-Forwarded-Proto": "https", "X-Forwarded-For": client}


def certify(deployment, web, application_id: int) -> str:
    """The certifying officer opens the certify page of one application and confirms, as
    the browser does (CSRF token from the page). Returns the answer's request id."""
    url = f"{web.url}/applications/{application_id}/do/certify/"
    headers = {**through_proxy(client=OFFICER_ADDRESS), "Cookie": f"sessionid={deployment.session}"}
    page = requests.get(url, headers=headers, allow_redirects=False, timeout=60)
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    cookies = f"sessionid={deployment.session}; csrftoken={page.cookies['csrftoken']}"
    answer = requests.post(
        url,
        data={"csrfmiddlewaretoken": token, "state": "awaiting_certification", "comment": ""},
        headers={**headers, "Cookie": cookies, "Origin": f"https://127.0.0.1:{web.port}"},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, (answer.status_code, answer.text[:2000])
    assert answer.headers["Location"] == f"/applications/{application_id}/"
    return answer.headers["X-Request-ID"]


def logged(service, request_id: str) -> list[dict]:
    """The JSON lines of a process's log written for one request."""
    lines = service.log_path.read_text().splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    return [entry for entry in entries if entry.get("request_id") == request_id]


def queue_drained(deployment) -> bool:
    return not [
        task
        for suffix in ("certificate_render_task", "dossier_render_task", "send_notification_emails")
        for task in deployment.tasks(suffix)
        if task["status"] in ("READY", "RUNNING")
    ]


def assert_each_rendered_and_mailed_once(deployment, count: int) -> None:
    certificates = deployment.certificates()
    assert len(certificates) == count
    # Numbers: one region, one year, consecutive from 1, none twice.
    assert [c["serial"] for c in certificates] == list(range(1, count + 1))
    assert len({c["number"] for c in certificates}) == count

    events = deployment.events()
    for certificate in certificates:
        assert events[(certificate["id"], "rendered")] == 1, certificate["number"]
        assert events[(certificate["id"], "dossier_rendered")] == 1, certificate["number"]

    # The bucket holds exactly the files the rows point to: nothing rendered twice.
    assert sorted(deployment.bucket_objects("certificates/")) == sorted(
        c["pdf"] for c in certificates
    )
    dossier_files = deployment.dossier_files()
    assert len(dossier_files) == 3 * count  # specification, checklist, ZIP
    assert sorted(deployment.bucket_objects("dossiers/")) == sorted(dossier_files)
    for certificate in certificates:
        data = deployment.bucket_read(certificate["pdf"])
        assert hashlib.sha256(data).hexdigest() == certificate["pdf_sha256"]

    # One notice e-mail per certified product, to the business's member, whichever
    # worker sent it.
    mail = deployment.sent_mail()
    assert len(mail) == count, Counter(m["subject"] for m in mail).most_common(5)
    for certificate in certificates:
        about = [m for m in mail if certificate["product_name"] in m["subject"]]
        assert len(about) == 1, (certificate["product_name"], about)
        assert about[0]["to"] == deployment.business_member_email


def test_both_web_processes_are_ready(deployment):
    for web in deployment.web:
        answer = requests.get(f"{web.url}/readyz", timeout=10)
        assert answer.status_code == 200, answer.text
        checks = answer.json()["checks"]
        assert {name: check["status"] for name, check in checks.items()} == {
            "database": "ok",
            "cache": "ok",
            "storage": "ok",
            "task_queue": "ok",
        }
        assert "oldest_wait_seconds" in checks["task_queue"]  # the queue is really checked
        # Plain HTTP from the network is sent to HTTPS; the probes above are not.
        assert requests.get(f"{web.url}/accounts/login/", allow_redirects=False).status_code == 301

        # The proxy's request id comes back, and is on the process's JSON log line.
        request_id = f"smoke-{web.name}"
        page = requests.get(
            f"{web.url}/accounts/login/",
            headers={**through_proxy(client=OFFICER_ADDRESS), "X-Request-ID": request_id},
            timeout=30,
        )
        assert page.status_code == 200 and page.headers["X-Request-ID"] == request_id

        (line,) = wait_for(
            lambda web=web, request_id=request_id: logged(web, request_id),
            timeout=10,
            what="the request's log line",
        )
        assert line["logger"] == "siap_ekspor.requests" and line["status"] == 200


def test_fifty_certifications_at_once_over_both_web_processes(deployment):
    applications = deployment.applications[:50]
    with ThreadPoolExecutor(max_workers=10) as pool:
        request_ids = list(
            pool.map(
                lambda pair: certify(deployment, deployment.web[pair[0] % 2], pair[1]),
                enumerate(applications),
            )
        )
    assert len(set(request_ids)) == 50

    wait_for(lambda: deployment.all_done(50), timeout=240, what="50 certificates rendered")
    wait_for(lambda: queue_drained(deployment), timeout=60, what="the queue to drain")
    assert_each_rendered_and_mailed_once(deployment, 50)
    # Signed with the office's key (not the development one), valid for a reader that
    # trusts it.
    data = deployment.bucket_read(deployment.certificates()[0]["pdf"])
    status = certificate_helpers.signature_status(
        data, certificate_helpers.trusted_certificate(deployment.key_path)
    )
    assert status.bottom_line
    assert OFFICE_KEY_NAME in status.signing_cert.subject.human_friendly

    # `manage.py task_queue` agrees: every task (renders, e-mails) done, none failed.
    state = deployment.task_queue()
    assert list(state["counts"]["default"]) == ["SUCCESSFUL"]
    assert state["counts"]["default"]["SUCCESSFUL"] >= 100  # 50 renders, 50 e-mails
    assert state["recent_failures"] == [] and state["stuck"] == 0


def test_the_verification_rate_limit_holds_across_both_web_processes(deployment):
    """Each process alone would allow VERIFY_RATE_LIMIT a minute; together they allow
    that many, not twice as many, because they count in the shared Redis."""
    certificates = deployment.certificates()
    code = certificates[0]["verification_code"] if certificates else "unknown-code"
    for attempt in range(3):
        client = f"203.0.113.{attempt + 10}"
        minute = int(time.time() // 60)

        def check(n, client=client):
            web = deployment.web[n % 2]
            return requests.get(
                f"{web.url}/verify/{code}/", headers=through_proxy(client=client), timeout=30
            ).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = Counter(pool.map(check, range(2 * VERIFY_RATE_LIMIT)))
        if int(time.time() // 60) == minute:  # the limit's window did not turn meanwhile
            break
    else:
        pytest.fail("three bursts in a row straddled a minute")
    assert statuses[429] == VERIFY_RATE_LIMIT, statuses
    assert sum(statuses.values()) - statuses[429] == VERIFY_RATE_LIMIT, statuses


def test_a_worker_killed_while_rendering_loses_nothing(deployment, tmp_path):
    """SIGKILL a worker in the middle of a render: django-tasks-db leaves the task RUNNING,
    the periodic `requeue_stuck_tasks` puts it back once TASK_RUNNING_TIMEOUT has passed,
    a fresh worker renders it, and nothing is lost or done twice."""
    application = deployment.applications[50]
    before = len(deployment.certificates())

    # Only the worker about to be killed may take the task: the others stop (gracefully).
    for worker in deployment.workers:
        assert worker.stop(timeout=30) == 0, worker.log_tail()
    marker = tmp_path / "rendering"
    doomed = deployment.start_worker(
        "worker-doomed",
        "python -m tests.deployment.stalling_worker --worker-id doomed-worker",
        STALL_MARKER=str(marker),
    )

    certify(deployment, deployment.web[0], application)
    wait_for(marker.exists, timeout=90, what="the doomed worker to start rendering")
    certificate_id = int(marker.read_text())
    doomed.kill()

    (render,) = [
        t for t in deployment.tasks("certificate_render_task") if t["args"] == [certificate_id]
    ]
    # What django-tasks-db does by itself: nothing. The task stays RUNNING for ever.
    assert render["status"] == "RUNNING" and render["workers"] == ["doomed-worker"]
    certificate = next(c for c in deployment.certificates() if c["id"] == certificate_id)
    assert certificate["rendered_at"] is None

    # The supervisor starts fresh workers; the timer runs requeue_stuck_tasks.
    for n in (3, 4):
        deployment.start_worker(f"worker-{n}")

    def requeued():
        # A short timeout, so the test need not wait the production 15 minutes.
        out = deployment.manage("requeue_stuck_tasks", TASK_RUNNING_TIMEOUT="3")
        return "put back in the queue: 1;" in out

    wait_for(requeued, timeout=60, every=1, what="requeue_stuck_tasks to put the task back")

    wait_for(lambda: deployment.all_done(before + 1), timeout=120, what="the render to finish")
    wait_for(lambda: queue_drained(deployment), timeout=60, what="the queue to drain")
    (render,) = [
        t for t in deployment.tasks("certificate_render_task") if t["args"] == [certificate_id]
    ]
    assert render["status"] == "SUCCESSFUL"
    assert render["workers"][0] == "doomed-worker" and len(render["workers"]) == 2
    assert_each_rendered_and_mailed_once(deployment, before + 1)
