"""A headless Chromium driven over its DevTools pipe: the few calls the pack's PDF needs.

Started with ``--remote-debugging-pipe``, Chromium reads DevTools protocol
commands on its file descriptor 3 and writes the replies and events on its 4,
each message JSON ended by a NUL byte. Talking to it directly takes no driver
process: Playwright's (a Node.js server between Python and the browser) cost
about 0.5 s of CPU and as much time per report.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Chromium", "ChromiumError", "ChromiumTimeout"]

# how long Chromium may take to start and to answer a plain command (s)
START_TIMEOUT = 60.0
# after Browser.close, how long Chromium has to exit before it is killed (s)
_EXIT_WAIT = 5.0
_CHUNK = 1 << 20


class ChromiumError(RuntimeError):
    """Chromium failed, or answered a command with an error."""


class ChromiumTimeout(ChromiumError):
    """Chromium did not answer a command in time."""


def _high(fd: int) -> int:
    """*fd* moved above the descriptors 3 and 4 the child is given (a pipe end numbered
    3 or 4 would otherwise be closed when its duplicate takes that number)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """A headless Chromium process and one page in it, with its own temporary profile.

    *executable* is started with *args* (see :data:`kpilib.report.pdf.CHROMIUM_ARGS`);
    its error output is kept to explain a failure. Use as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, executable: str, args: list[str]) -> None:
        self.executable = executable
        self._profile = tempfile.mkdtemp(prefix="kpilib-chromium-")
        self._log = tempfile.TemporaryFile()
        self._buffer, self._next_id, self._session = b"", 0, ""
        self.pid: int | None = None
        child_in, self._out = map(_high, os.pipe())
        self._in, child_out = map(_high, os.pipe())
        argv = [
            executable,
            "--headless",
            *args,
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
        ]
        try:
            with open(os.devnull, "rb") as null:
                self.pid = os.posix_spawn(
                    executable,
                    argv,
                    os.environ,
                    file_actions=[
                        (os.POSIX_SPAWN_DUP2, null.fileno(), 0),
                        (os.POSIX_SPAWN_DUP2, self._log.fileno(), 1),
                        (os.POSIX_SPAWN_DUP2, self._log.fileno(), 2),
                        (os.POSIX_SPAWN_DUP2, child_in, 3),
                        (os.POSIX_SPAWN_DUP2, child_out, 4),
                    ],
                )
        except OSError as exc:
            self.close()
            raise ChromiumError(f"{executable} did not start: {exc.strerror or exc}") from exc
        finally:
            os.close(child_in)
            os.close(child_out)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open_page(self, timeout: float = START_TIMEOUT) -> None:
        """Open the page the other calls act on, its media set to print."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        self._session = attached["sessionId"]
        self.call("Emulation.setEmulatedMedia", {"media": "print"}, page=True)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        page: bool = False,
        timeout: float = START_TIMEOUT,
    ) -> dict[str, Any]:
        """Send the command *method* (to the page when *page*, else to the browser) and
        return its result; raises :class:`ChromiumTimeout` after *timeout* seconds."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self._session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method, timeout)
            if reply.get("id") != self._next_id:
                continue  # an event, or the late reply to a command that timed out
            if "error" in reply:
                error = reply["error"]
                raise ChromiumError(f"{method}: {error.get('message', error)}")
            return reply.get("result", {})

    def evaluate(self, function: str, argument: Any = None, *, timeout: float) -> Any:
        """Call the JavaScript *function* (its source) in the page with *argument* (as
        JSON) and return its value, a promise's once settled."""
        result = self.call(
            "Runtime.evaluate",
            {
                "expression": f"({function})({json.dumps(argument)})",
                "awaitPromise": True,
                "returnByValue": True,
            },
            page=True,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            # the error's first line; the rest is the script's stack
            raise ChromiumError(f"the page's script failed: {text.splitlines()[0]}")
        return result.get("result", {}).get("value")

    def print_pdf(self, path: Path, options: dict[str, Any], *, timeout: float) -> None:
        """Print the page to the PDF file *path* (Page.printToPDF with *options*)."""
        result = self.call("Page.printToPDF", options, page=True, timeout=timeout)
        Path(path).write_bytes(base64.b64decode(result["data"]))

    def _send(self, message: dict[str, Any]) -> None:
        """Write the command *message* to Chromium's pipe, ended by a NUL byte."""
        view = memoryview(json.dumps(message).encode("utf-8") + b"\0")
        while view:
            try:
                written = os.write(self._out, view)
            except BrokenPipeError:
                raise ChromiumError(
                    f"Chromium stopped before {message['method']}{self._said()}"
                ) from None
            view = view[written:]

    def _receive(self, deadline: float, method: str, timeout: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise ChromiumTimeout(f"Chromium did not answer {method} in {timeout:.0f} s")
            chunk = os.read(self._in, _CHUNK)
            if not chunk:
                raise ChromiumError(f"Chromium stopped during {method}{self._said()}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _said(self) -> str:
        """What Chromium wrote before failing, its last lines, for the error message."""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return (": " + " | ".join(lines[-3:])) if lines else ""

    def close(self) -> None:
        """Close the browser (killed if it does not exit in a few seconds) and remove its
        profile."""
        if self.pid is not None:
            try:
                self._send({"id": 0, "method": "Browser.close"})
            except ChromiumError:
                pass
            deadline = time.monotonic() + _EXIT_WAIT
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.01)
            self.pid = None
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        self._in = self._out = -1
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)
