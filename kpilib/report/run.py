"""Running the report's notebooks: a few kernels, each running a chain of notebooks.

papermill executes each notebook; a kernel per worker is started once and
reused (its namespace reset between notebooks), so the libraries are
imported once per worker rather than once per notebook. The kernels start
as soon as the build's parameters have passed their first checks, and each
imports what its notebooks import at once, while the parent still loads the
dataset and computes the report model: the first notebook waits for neither.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from pathlib import Path
from typing import Any

__all__ = ["Kernels", "run_notebooks", "NotebookFailed", "imports_of"]

_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # start-up chatter is not the user's
_POLL = 0.2  # seconds between looks at the stop flag while a kernel runs code
_IOPUB_WAIT = 0.02  # seconds a new client waits for the kernel's broadcast, per try


class NotebookFailed(Exception):
    """A notebook of a chain failed; carries its name."""

    def __init__(self, name: str, error: BaseException) -> None:
        super().__init__(name)
        self.name, self.error = name, error


class _Stopped(Exception):
    """The build stopped (another chain failed, or the parameters did not pass)."""


class Kernels:
    """*workers* kernels started now, each to run its chain of the notebooks *sources*.

    Each kernel starts and imports its notebooks' libraries in a thread of its
    own; :meth:`run` then runs the notebooks, :meth:`close` stops the kernels
    (whether or not they ran anything). Use as a context manager.
    """

    def __init__(self, sources: dict[str, Path], cwd: Path, *, workers: int | None) -> None:
        workers = workers or max(1, min(2, os.cpu_count() or 1))
        names = list(sources)
        self.chains = [names[i::workers] for i in range(workers) if names[i::workers]]
        self.sources, self.cwd = dict(sources), cwd
        self.stop, self.go = threading.Event(), threading.Event()
        self.job: dict[str, Any] = {}
        self.futures: list[Future[None]] = []
        for chain in self.chains:
            future: Future[None] = Future()
            thread = threading.Thread(
                target=self._thread, args=(chain, future), name="kernel", daemon=True
            )
            self.futures.append(future)
            thread.start()

    def __enter__(self) -> Kernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _thread(self, chain: list[str], future: Future[None]) -> None:
        try:
            _run_chain(chain, self)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        else:
            future.set_result(None)

    def run(
        self,
        staging: Path,
        values: dict[str, Any],
        *,
        check: Callable[[], None],
        on_done: Callable[[str], None],
    ) -> None:
        """Run the notebooks with the parameters *values*, writing them to *staging*.

        The kernels run nothing until *check* has passed; *on_done* is called
        with each notebook's name once it has run, in its kernel's thread. The
        first failure stops the other chains and is raised as NotebookFailed.
        """
        self.job.update(staging=staging, values=dict(values), on_done=on_done)
        try:
            check()
        except BaseException:
            self.stop.set()
            raise
        finally:
            self.go.set()
        pending: set[Future[None]] = set(self.futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                exc = future.exception()
                if exc is None or isinstance(exc, _Stopped):
                    continue
                self.stop.set()
                if isinstance(exc, NotebookFailed):
                    raise exc
                raise NotebookFailed("the kernels", exc) from exc

    def close(self) -> None:
        """Stop the kernels: after :meth:`run`, or instead of it."""
        self.stop.set()
        self.go.set()
        for future in self.futures:
            try:
                future.result()
            except BaseException:  # noqa: BLE001, S110 - run() reported what matters
                pass


def _run_chain(chain: list[str], kernels: Kernels) -> None:
    """Start a kernel, import its notebooks' libraries, then run the notebooks of
    *chain* one after the other once *kernels* says go, the user namespace reset
    between notebooks so that each starts clean."""
    from jupyter_client.manager import KernelManager
    from jupyter_core.utils import ensure_event_loop

    class Manager(KernelManager):
        """Remembers its clients: papermill leaves them open on a kernel it does not own."""

        clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    km = Manager(kernel_name="python3", client_factory=_ready_client())
    km.clients = []
    try:
        if kernels.stop.is_set():
            raise _Stopped
        km.start_kernel(cwd=str(kernels.cwd), extra_arguments=_KERNEL_ARGS)
        warm = imports_of([kernels.sources[name] for name in chain])
        _run_code(km, warm + "\n%reset -f", kernels.stop)
        kernels.go.wait()
        for i, name in enumerate(chain):
            if kernels.stop.is_set():
                raise _Stopped
            if i:
                _run_code(km, "%reset -f", kernels.stop)
            _execute(km, name, kernels)
            kernels.job["on_done"](name)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
        # jupyter_client and papermill run on an event loop of this worker thread
        ensure_event_loop().close()


def _execute(km: Any, name: str, kernels: Kernels) -> None:
    """Run the notebook *name* with papermill in the kernel of *km*."""
    import papermill

    job = kernels.job
    try:
        papermill.execute_notebook(
            str(kernels.sources[name]),
            str(job["staging"] / f"{name}.ipynb"),
            parameters=job["values"],
            kernel_name="python3",
            km=km,
            cwd=str(kernels.cwd),
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


def _ready_client() -> type:
    """A kernel client class whose ``wait_for_ready`` takes a few milliseconds.

    jupyter_client's waits 0.2 s for a message on the kernel's broadcast channel
    after the kernel_info reply, and starts over when none came, which a client
    that has just connected always misses: 0.2 s per notebook and per reset.
    This one asks again every :data:`_IOPUB_WAIT` seconds instead, and is ready
    at the first broadcast received, as jupyter_client's is.
    """
    from queue import Empty

    from jupyter_client.blocking import BlockingKernelClient

    class ReadyClient(BlockingKernelClient):
        def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (60.0 if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                # any kernel_info reply: one to an earlier try may come after it was asked again
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        self.iopub_channel.get_msg(timeout=_IOPUB_WAIT)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
                if not self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    return ReadyClient


def _run_code(km: Any, code: str, stop: threading.Event) -> None:
    """Run *code* silently in the kernel of *km*, outside any notebook (warming its
    imports, or ``%reset -f``: the user namespace emptied, imported modules kept).
    Returns early when *stop* is set; raises _Stopped then."""
    kc = km.client()
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
