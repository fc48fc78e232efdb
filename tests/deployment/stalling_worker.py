"""A real `db_worker` whose certificate render stops half-way and waits to be killed.

The smoke test SIGKILLs it while it renders, to show that the certificate is still
rendered exactly once afterwards. Its render writes the certificate's id to STALL_MARKER
(the file the test waits for) and then sleeps, so the kill lands inside the render every
time, never after it: the only change from the real worker.

    STALL_MARKER=/tmp/marker python -m tests.deployment.stalling_worker --worker-id stalled
"""

import os
import sys
import time
from pathlib import Path

import django


def stall(certificate):
    Path(os.environ["STALL_MARKER"]).write_text(str(certificate.pk))
    time.sleep(600)
    raise RuntimeError("the smoke test should have killed this worker by now")


if __name__ == "__main__":
    django.setup()
    # After setup, as the worker would load it; `certificate_render` looks the function up
    # on the module at each call.
    from django.core.management import call_command

    from certificates import rendering

    rendering.render_certificate_pdf = stall
    call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval=0.2", *sys.argv[1:])
