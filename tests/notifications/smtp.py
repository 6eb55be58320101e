"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port) that keeps every
message it accepts, and can be stopped and started again on the same port."""

import email
import socket
import threading
import time
from email import policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: parsed messages, in the order they arrived."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self._controller = None

    @property
    def messages(self):
        return list(self.inbox.messages)

    def start(self):
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count, timeout=60):
        """Wait until ``count`` messages have arrived (a bound on waiting, not a measurement)."""
        deadline = time.monotonic() + timeout
        while len(self.inbox.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} messages, got {len(self.inbox.messages)} in {timeout} s"
                )
            time.sleep(0.05)
        return self.messages


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message):
    return [word for word in body_of(message).split() if word.startswith("http")]
