"""The processes of a deployment on this machine, for the smoke test: started from the
commands of deploy/Procfile with one production environment, each in its own process
group with its output in a log file, every wait bounded, everything stopped at the end."""

import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PROCFILE = ROOT / "deploy" / "Procfile"


class Timeout(AssertionError):
    pass


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every=0.2):
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Timeout(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def procfile() -> dict[str, str]:
    """deploy/Procfile as {process type: command}."""
    entries = {}
    for line in PROCFILE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def base_environment() -> dict[str, str]:
    """Only what a service manager would give: no variable of the developer's shell (a
    DATABASE_URL, a DEBUG) leaks into the deployment."""
    return {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def run(command: str, *, env: dict, timeout: float) -> str:
    """A one-off command (a release step, a management command) to completion; its output."""
    (output,) = run_together([command], env=env, timeout=timeout)
    return output


def run_together(commands: list[str], *, env: dict, timeout: float) -> list[str]:
    """One-off commands side by side, all to completion; their outputs, in order."""
    processes = [
        subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for command in commands
    ]
    deadline = time.monotonic() + timeout
    outputs = []
    try:
        for command, process in zip(commands, processes, strict=True):
            stdout, stderr = process.communicate(timeout=max(deadline - time.monotonic(), 1))
            assert process.returncode == 0, (
                f"`{command}` failed ({process.returncode}):\n{stdout}\n{stderr}"
            )
            outputs.append(stdout)
    finally:
        for process in processes:  # after a failure or a timeout: the rest, too
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return outputs


class Service:
    """One long-running process of the deployment."""

    def __init__(self, name: str, command: str, *, env: dict, logs: Path):
        self.name = name
        self.command = command
        self.env = env
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        with self.log_path.open("ab") as log:
            # `exec`: the shell becomes the command, so a signal reaches the process itself.
            self.process = subprocess.Popen(
                ["bash", "-c", f"exec {self.command}"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: gunicorn's workers too
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.running:
            os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM (gunicorn and db_worker finish what they are doing), then SIGKILL."""
        if self.process is None:
            return None
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.process.returncode

    def kill(self) -> None:
        """SIGKILL, as the out-of-memory killer or a lost machine would: no unwinding."""
        if self.process is None:
            return
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __repr__(self):
        return f"<{self.name}: {shlex.quote(self.command)}>"


class Web(Service):
    def __init__(self, name: str, command: str, *, env: dict, logs: Path):
        self.port = free_port()
        super().__init__(name, command, env={**env, "BIND": f"127.0.0.1:{self.port}"}, logs=logs)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_live(self, timeout: float = 60) -> None:
        def live():
            assert self.running, f"{self.name} exited:\n{self.log_tail()}"
            try:
                return requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or still importing
                return False

        wait_for(live, timeout=timeout, what=f"{self.name} to answer /healthz")
