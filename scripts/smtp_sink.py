"""An SMTP server for the e-mail tests: accepts every message on a loopback
port and writes each one, as received, to a file of its own in a directory.

    target/smtp-venv/bin/python scripts/smtp_sink.py PORT DIRECTORY

Each message becomes DIRECTORY/<arrival ns>-<n>.eml, written under a temporary
name and renamed, so a reader never sees half a message. The envelope's
recipients come first, in an `X-Envelope-To:` line. Needs aiosmtpd
(`make smtp-test-server` installs it into target/smtp-venv).
"""

import asyncio
import itertools
import os
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{next(self.counter)}.eml"
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(envelope.original_content or envelope.content)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    loop = asyncio.new_event_loop()
    handler = Sink(directory)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, hostname="parlor-test-smtp"), "127.0.0.1", port)
    )
    print(f"smtp_sink: listening on 127.0.0.1:{port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
