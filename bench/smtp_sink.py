"""A minimal local SMTP sink for benchmarks: speaks just enough SMTP (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), keeps no message, and counts messages and their recipients.

aiosmtpd parses every message and runs a handler per command; at a thousand mails a second
on a shared machine it is the bottleneck itself. This sink stands in for a real mail
server's acceptance, so the benchmark measures the sender.

    sink = Sink(); sink.start(); ... sink.count; sink.stop() -> recipients, one per mail

It runs in its own process (not this one's interpreter and GIL); ``count`` is shared memory.
"""

import asyncio
import json
import multiprocessing
import os
import signal
import socket
import tempfile


async def _session(reader, writer, counter, recipients):
    writer.write(b"220 sink ESMTP\r\n")
    rcpts = []
    while True:
        line = await reader.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb == b"DATA":
            writer.write(b"354 go ahead\r\n")
            await reader.readuntil(b"\r\n.\r\n")
            recipients.extend(rcpts)
            rcpts = []
            with counter.get_lock():
                counter.value += 1
            writer.write(b"250 accepted\r\n")
        elif verb in (b"EHLO", b"HELO"):
            writer.write(b"250-sink\r\n250 8BITMIME\r\n" if verb == b"EHLO" else b"250 sink\r\n")
        elif verb == b"RCPT":
            rcpts.append(line[8:].strip().strip(b"<>").decode())
            writer.write(b"250 ok\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:  # MAIL, RSET, NOOP
            if verb == b"RSET":
                rcpts = []
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()


def _serve(sock, counter, out_path):
    recipients = []

    async def main():
        server = await asyncio.start_server(
            lambda r, w: _session(r, w, counter, recipients), sock=sock, limit=2**22
        )
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with server:
            await stop.wait()

    asyncio.run(main())
    with open(out_path, "w") as out:
        json.dump(recipients, out)


class Sink:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.counter = multiprocessing.Value("l", 0)
        handle, self.out_path = tempfile.mkstemp(suffix=".json", prefix="sink-")
        os.close(handle)
        self.process = None

    @property
    def count(self):
        return self.counter.value

    def start(self):
        context = multiprocessing.get_context("fork")
        self.process = context.Process(
            target=_serve, args=(self.sock, self.counter, self.out_path), daemon=True
        )
        self.process.start()

    def stop(self):
        """Stop the sink; the recipient of every mail it accepted, in order."""
        self.process.terminate()
        self.process.join(30)
        self.sock.close()
        try:
            with open(self.out_path) as data:
                return json.load(data)
        finally:
            os.unlink(self.out_path)
