"""A real S3 endpoint for the tests: moto's server mode on a free port of 127.0.0.1."""

import socket

from moto.server import ThreadedMotoServer

KEYS = {"access_key": "testing", "secret_key": "testing"}
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Endpoint:
    """A moto S3 server that can be stopped and started again on the same port (its
    buckets live in the process, so they survive a restart)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def running(self) -> bool:
        return self.server is not None
