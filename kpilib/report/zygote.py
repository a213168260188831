"""Kernels forked from one process that has already imported the notebooks' libraries.

A report kernel started as its own Python spends ~0.4 s of CPU starting
ipykernel and ~0.85 s importing pandas, matplotlib and kpilib, and the
report starts two. :class:`Zygote` starts one Python that imports ipykernel
and what the notebooks import (:func:`kpilib.report.run.imports_of`), then
forks each kernel from it: the kernels share those imports (copy-on-write)
and only initialise ipykernel. A forked kernel is what
``python -m ipykernel_launcher`` would have started: its own session
(``setsid``, as jupyter_client starts kernels), the manager's environment,
working folder and arguments. :class:`Forked` stands for its process where
jupyter_client's provisioner expects a ``subprocess.Popen``.

Where a kernel cannot be forked (not on Linux, another Python or kernel than
``-m ipykernel_launcher``, the zygote gone), :meth:`Zygote.spawn` returns
None and the kernel is started the usual way.

Run as ``python -m kpilib.report.zygote FD``: requests (one JSON line each)
on stdin, replies on the file descriptor FD.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

__all__ = ["Zygote", "Forked"]

_LAUNCHER = ["-m", "ipykernel_launcher"]
_ARGS = ["-m", "kpilib.report.zygote"]  # the zygote's command, after this Python
WAIT = 60.0
"""Seconds a kernel waits for the zygote (its imports, then the fork) before it is
started the usual way: jupyter_client's own wait for a kernel to answer."""


class Forked:
    """A kernel forked by the zygote, with the part of ``subprocess.Popen`` that
    jupyter_client's provisioner uses. It is the zygote's child, not this process's:
    its exit status is not known here (``returncode`` is 0 once it has ended)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs; 0 once it has ended."""
        if self.returncode is None and not _alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Whether *pid* runs (a zombie, dead but not yet reaped, does not); read from
    Linux's /proc, the only system kernels are forked on."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return False


class Zygote:
    """A Python that imports *warm* (code of ``import`` statements) and forks kernels.

    Start it as soon as the notebooks are known; :meth:`spawn` waits for its
    imports. :meth:`close` once its kernels have been shut down.
    """

    def __init__(self, warm: str) -> None:
        self._lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        if not sys.platform.startswith("linux"):
            return  # macOS's system libraries are not safe to use after a fork; no fork on Windows
        r, w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, *_ARGS, str(w)],
                stdin=subprocess.PIPE,
                pass_fds=(w,),
            )
        except OSError:
            os.close(r)
            return
        finally:
            os.close(w)
        self._replies = r
        self._send({"warm": warm})

    def _send(self, message: dict[str, Any]) -> bool:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def spawn(self, cmd: list[str], env: dict[str, str] | None, cwd: Any) -> Forked | None:
        """The kernel of *cmd* (``python -m ipykernel_launcher ...``) forked, in its own
        session, with *env* and the working folder *cwd*; None when it cannot be."""
        if self.proc is None or not _forkable(cmd):
            return None
        request = {
            "argv": ["ipykernel_launcher", *cmd[3:]],
            "env": dict(os.environ if env is None else env),
            "cwd": os.fspath(cwd) if cwd else os.getcwd(),
        }
        with self._lock:
            if self.proc is None or not self._send(request):
                return None
            line = self._reply()
            if line is None:  # the zygote hangs: the kernel is started the usual way
                self._end(wait=0)
        try:
            return Forked(int(json.loads(line or b"")["pid"]))
        except (ValueError, KeyError, TypeError):
            return None  # the zygote ended (it failed to start, or was killed)

    def _reply(self) -> bytes | None:
        """The zygote's next line (b"" once it has ended); None after :data:`WAIT` seconds
        without one."""
        deadline = time.monotonic() + WAIT
        got = b""
        while not got.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                return None
            chunk = os.read(self._replies, 4096)
            if not chunk:
                return b""
            got += chunk
        return got

    def close(self) -> None:
        """End the zygote at once (the kernels it forked are not its to stop). Call it
        once no :meth:`spawn` is under way: then no fork is either."""
        with self._lock:
            self._end(wait=0)

    def _end(self, wait: float) -> None:
        """Tell the zygote to end (its stdin closed); killed after *wait* seconds."""
        if self.proc is None:
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except OSError:
            pass
        os.close(self._replies)
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _forkable(cmd: list[str]) -> bool:
    """Whether *cmd* starts ipykernel with this Python (what the zygote can fork)."""
    if len(cmd) < 3 or cmd[1:3] != _LAUNCHER:
        return False
    try:
        return os.path.samefile(cmd[0], sys.executable)
    except OSError:
        return False


def _serve(reply_fd: int) -> None:
    """The zygote: import, then fork a kernel per request until stdin ends."""
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    first = sys.stdin.buffer.readline()
    if not first:
        return
    import gc

    # what the kernel imports to start (ipykernel_launcher, without the working folder
    # on sys.path), then the notebooks' imports
    if sys.path and os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd()):
        del sys.path[0]
    from ipykernel import kernelapp  # noqa: F401 - imported for the kernels

    exec(compile(json.loads(first)["warm"], "<warm-up>", "exec"), {})  # noqa: S102
    gc.collect()
    gc.freeze()  # the libraries stay shared: no collection writes to their pages
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped as they end
    for line in sys.stdin.buffer:
        request = json.loads(line)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            replies.close()
            _kernel(request, ready_w)  # never returns
        os.close(ready_w)
        os.read(ready_r, 1)  # the kernel has its own session: it may be signalled as one
        os.close(ready_r)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")


def _kernel(request: dict[str, Any], ready_w: int) -> None:
    """In the forked child: become the kernel of *request*, then end the process."""
    code = 1
    try:
        os.setsid()
        os.close(ready_w)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's subprocesses: waited for
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # stdin: the zygote's requests, not the kernel's
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # as jupyter_client's launcher sets it: the kernel ends when its parent does (here
        # the zygote, which ends with the build)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sys.argv = list(request["argv"])
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported on the kernel's stderr, as a kernel would
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
