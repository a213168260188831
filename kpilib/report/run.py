"""Running the report's notebooks: a few kernels, each running the notebooks it is handed.

papermill executes each notebook; a kernel per worker is started once and
reused (its namespace reset between notebooks), so the libraries are
imported once per worker rather than once per notebook. The kernels start
as soon as the build's parameters have passed their first checks, while the
parent still loads the dataset and computes the report model; with more than
one, they are forked from one process that has imported what the notebooks
import (:mod:`kpilib.report.zygote`), so those imports are done once. A
notebook runs as soon as it is released (the report releases each once the
model's sections it draws are computed), on the first kernel free.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from pathlib import Path
from typing import Any

from kpilib.report.zygote import Zygote

__all__ = ["Kernels", "run_notebooks", "NotebookFailed", "imports_of"]

# start-up chatter is not the user's; nor is IPython's history database, which would
# also refuse the cells numbered from 1 again in a kernel's next notebook (see _RESET)
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
_POLL = 0.2  # seconds between looks at the stop flag while a kernel runs code
# between notebooks: the user namespace emptied (imported modules kept) and the cells
# numbered from 1 again, so that each notebook's cells (and a failure's) are numbered
# as in the notebook run alone
_RESET = "\n%reset -f\nget_ipython().execution_count = 1"
# after the warm imports: what is in memory then (the libraries) is kept out of the
# garbage collector's full passes, which %reset -f runs: 0.15-0.2 s of CPU per reset
# otherwise, mostly walking matplotlib's and pandas's objects; 0.02-0.04 s so
_FREEZE = "\nimport gc\ngc.freeze()"
_IOPUB_WAIT = 0.02  # seconds a new client waits for the kernel's broadcast, per try


class NotebookFailed(Exception):
    """A notebook failed; carries its name."""

    def __init__(self, name: str, error: BaseException) -> None:
        super().__init__(name)
        self.name, self.error = name, error


class _Stopped(Exception):
    """The build stopped (another notebook failed, or the parameters did not pass)."""


class Kernels:
    """*workers* kernels started now, to run the notebooks *sources* as they are released.

    Each kernel starts and imports the notebooks' libraries in a thread of its
    own, then runs, one after the other, the notebooks :meth:`release` lets
    run and no other kernel took (in the order they were released), until
    every notebook has run; :meth:`close` stops the kernels (whether or not
    they ran anything). Use as a context manager.
    """

    def __init__(self, sources: dict[str, Path], cwd: Path, *, workers: int | None) -> None:
        workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.sources, self.cwd = dict(sources), cwd
        self.stop = threading.Event()
        self._turn = threading.Condition()
        self._released: list[str] = []
        self._taken: set[str] = set()
        self.job: dict[str, Any] = {}
        self.futures: list[Future[None]] = []
        # parsed here, once, before the threads start: CPython 3.11's ast module counts its
        # recursion in one global, so two threads parsing at once can fail with
        # "SystemError: AST constructor recursion depth mismatch"
        self.warm = imports_of(list(self.sources.values()))
        workers = min(workers, len(self.sources))
        # the kernels are forked from one process that imports their libraries once
        # (kpilib.report.zygote); with one kernel it would only add a process
        self.zygote = Zygote(self.warm) if workers > 1 else None
        # the kernels listen on Unix sockets where there are some: a TCP port jupyter_client
        # picks is free when picked, and may be taken (by a connection's own end) before
        # the kernel binds it: "Address already in use", and the build fails
        self._sockets = tempfile.mkdtemp(prefix="kpilib-") if os.name == "posix" else None
        for _ in range(workers):
            future: Future[None] = Future()
            thread = threading.Thread(
                target=self._thread, args=(future,), name="kernel", daemon=True
            )
            self.futures.append(future)
            thread.start()

    def sockets(self) -> dict[str, str]:
        """A kernel manager's transport and address: a Unix socket of its own in this
        build's folder of sockets, else (Windows) jupyter_client's TCP default."""
        if self._sockets is None:
            return {}
        return {"transport": "ipc", "ip": os.path.join(self._sockets, uuid.uuid4().hex[:8])}

    def __enter__(self) -> Kernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _thread(self, future: Future[None]) -> None:
        try:
            _run_kernel(self)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        else:
            future.set_result(None)

    def release(self, names: list[str]) -> None:
        """Let the notebooks *names* run (names not among the sources are ignored)."""
        with self._turn:
            self._released += [n for n in names if n in self.sources and n not in self._released]
            self._turn.notify_all()

    def _halt(self) -> None:
        with self._turn:
            self.stop.set()
            self._turn.notify_all()

    def next_notebook(self) -> str | None:
        """The next notebook released and not taken, taken now: wait for one, or None
        once every notebook is taken; raises _Stopped when the build stops."""
        with self._turn:
            while True:
                if self.stop.is_set():
                    raise _Stopped
                free = [n for n in self._released if n not in self._taken]
                if free:
                    self._taken.add(free[0])
                    return free[0]
                if len(self._taken) == len(self.sources):
                    return None
                self._turn.wait()

    def run(
        self,
        staging: Path,
        values: dict[str, Any],
        *,
        check: Callable[[], None],
        on_done: Callable[[str], None],
    ) -> None:
        """Run the notebooks with the parameters *values*, writing them to *staging*.

        *check* runs first; it may :meth:`release` notebooks meanwhile, and every
        notebook is released once it has passed (when it fails, no other notebook
        starts, and those running end before its error is raised).
        *on_done* is called with each notebook's name once it has run, in its
        kernel's thread. The first failure stops the other kernels and is
        raised as NotebookFailed.
        """
        self.job.update(staging=staging, values=dict(values), on_done=on_done)
        try:
            check()
        except BaseException:
            # a notebook released meanwhile may be running: it ends before the caller
            # cleans up what it writes to
            self.close()
            raise
        self.release(list(self.sources))
        pending: set[Future[None]] = set(self.futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                exc = future.exception()
                if exc is None or isinstance(exc, _Stopped):
                    continue
                self._halt()
                if isinstance(exc, NotebookFailed):
                    raise exc
                raise NotebookFailed("the kernels", exc) from exc

    def close(self) -> None:
        """Stop the kernels: after :meth:`run`, or instead of it."""
        self._halt()
        for future in self.futures:
            try:
                future.result()
            except BaseException:  # noqa: BLE001, S110 - run() reported what matters
                pass
        if self.zygote is not None:
            self.zygote.close()
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)


def _run_kernel(kernels: Kernels) -> None:
    """Start a kernel, import the notebooks' libraries, then run the notebooks
    *kernels* hands it, the user namespace reset after each so that the next
    starts clean."""
    from jupyter_client.manager import KernelManager
    from jupyter_core.utils import ensure_event_loop

    class Manager(KernelManager):
        """Remembers its clients: papermill leaves them open on a kernel it does not own."""

        clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            zygote = kernels.zygote
            forked = zygote.spawn(kernel_cmd, kw.get("env"), kw.get("cwd")) if zygote else None
            if forked is None:
                if kernels.stop.is_set():  # stopped while the zygote imported: no kernel
                    raise _Stopped
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            # what the local provisioner's launch_kernel sets, for a forked kernel
            # (its own session: its process group is its pid)
            prov = self.provisioner
            prov.process, prov.pid, prov.pgid = forked, forked.pid, forked.pid
            prov.cwd = kw.get("cwd")
            self._reconcile_connection_info(prov.connection_info)

    km = Manager(
        kernel_name="python3",
        client_factory=_ready_client("async"),  # papermill's
        blocking_class=_ready_client("blocking"),  # _run_code's
        **kernels.sockets(),
    )
    km.clients = []
    try:
        if kernels.stop.is_set():
            raise _Stopped
        km.start_kernel(cwd=str(kernels.cwd), extra_arguments=_KERNEL_ARGS)
        _run_code(km, kernels.warm + _FREEZE + _RESET, kernels.stop)
        while (name := kernels.next_notebook()) is not None:
            _execute(km, name, kernels)
            kernels.job["on_done"](name)
            _run_code(km, _RESET, kernels.stop)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
        # jupyter_client and papermill run on an event loop of this worker thread
        ensure_event_loop().close()


def _execute(km: Any, name: str, kernels: Kernels) -> None:
    """Run the notebook *name* with papermill in the kernel of *km*.

    The kernel runs in the notebooks' folder since it started there; papermill is
    given no ``cwd``, which would change this whole process's working directory
    while the notebook runs (and, two kernels running at once, could leave it
    changed after the build).
    """
    import papermill

    job = kernels.job
    try:
        papermill.execute_notebook(
            str(kernels.sources[name]),
            str(job["staging"] / f"{name}.ipynb"),
            parameters=job["values"],
            kernel_name="python3",
            km=km,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except Exception as exc:  # noqa: BLE001 - reported with the notebook's name
        raise NotebookFailed(name, exc) from exc
    finally:
        for kc in km.clients:
            kc.stop_channels()
        km.clients.clear()


@functools.cache
def _ready_client(kind: str) -> type:
    """A kernel client class ("async" for papermill, "blocking" for :func:`_run_code`)
    whose ``wait_for_ready`` takes a few milliseconds.

    jupyter_client's waits 0.2 s for a message on the kernel's broadcast channel
    after the kernel_info reply, and starts over when none came, which a client
    that has just connected always misses: 0.2 s per notebook and per reset.
    This one asks again every :data:`_IOPUB_WAIT` seconds instead, and is ready
    at the first broadcast received, as jupyter_client's is.

    papermill's client must be asynchronous: a blocking one waits for the
    kernel's messages without yielding to the loop that notices a kernel that
    died, and the build then waited forever.
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_core.utils import ensure_async, run_sync

    async def wait_for_ready(self: Any, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60.0 if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            # any kernel_info reply: one to an earlier try may come after it was asked again
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=_IOPUB_WAIT))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await ensure_async(self.is_alive()):
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    if kind == "async":
        return type("ReadyClient", (AsyncKernelClient,), {"wait_for_ready": wait_for_ready})
    return type(
        "ReadyClient", (BlockingKernelClient,), {"wait_for_ready": run_sync(wait_for_ready)}
    )


def _run_code(km: Any, code: str, stop: threading.Event) -> None:
    """Run *code* silently in the kernel of *km*, outside any notebook (warming its
    imports, or ``%reset -f``: the user namespace emptied, imported modules kept).
    Returns early when *stop* is set; raises _Stopped then."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute(code, silent=True, store_history=False)
        while True:
            if stop.is_set():
                raise _Stopped
            try:
                reply = kc.get_shell_msg(timeout=_POLL)
            except queue.Empty:
                if not km.is_alive():
                    raise RuntimeError("the kernel died") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return
    finally:
        kc.stop_channels()


def imports_of(sources: list[Path]) -> str:
    """The top-level ``import`` statements of the code cells of the notebooks *sources*,
    each once, every one guarded so that a failing import stops nothing here: the code
    a kernel runs to import its notebooks' libraries before the notebooks run (an
    import that fails fails again in its notebook, which reports it)."""
    lines: list[str] = []
    for source in sources:
        try:
            cells = json.loads(Path(source).read_text("utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # papermill reports an unreadable notebook when it runs it
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse("".join(cell.get("source", "")))
            except SyntaxError:
                continue  # magics, or a mistake papermill reports in its cell
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    line = ast.unparse(node)
                    if line not in lines:
                        lines.append(line)
    return "\n".join(f"try:\n    {line}\nexcept Exception:\n    pass" for line in lines)


def run_notebooks(
    sources: dict[str, Path],
    staging: Path,
    values: dict[str, Any],
    cwd: Path,
    *,
    workers: int | None,
    check: Callable[[], None],
    on_done: Callable[[str], None],
) -> None:
    """Start the kernels and run the notebooks (see :class:`Kernels`), *workers* at once."""
    with Kernels(sources, cwd, workers=workers) as kernels:
        kernels.run(staging, values, check=check, on_done=on_done)
