"""Running the report's notebooks: a few kernels, each running a chain of notebooks.

papermill executes each notebook; a kernel per worker is started once and
reused (its namespace reset between notebooks), so the libraries are
imported once per worker rather than once per notebook.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

__all__ = ["run_notebooks", "NotebookFailed"]

_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # start-up chatter is not the user's


class NotebookFailed(Exception):
    """A notebook of a chain failed; carries its name."""

    def __init__(self, name: str, error: BaseException) -> None:
        super().__init__(name)
        self.name, self.error = name, error


def _run_chain(
    jobs: list[tuple[str, Path, Path]],
    parameters: dict[str, Any],
    cwd: Path,
    done: Any,
    stop: threading.Event,
    go: threading.Event,
) -> None:
    """Run *jobs* (name, source, target) one after the other in one kernel.

    One kernel per worker: the libraries are imported once, and the user
    namespace is reset between notebooks, so that each starts clean.
    """
    import papermill
    from jupyter_client.manager import KernelManager
    from jupyter_core.utils import ensure_event_loop

    class Manager(KernelManager):
        """Remembers its clients: papermill leaves them open on a kernel it does not own."""

        clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    km = Manager(kernel_name="python3")
    km.clients = []
    try:
        km.start_kernel(cwd=str(cwd), extra_arguments=_KERNEL_ARGS)
        go.wait()
        for i, (name, source, target) in enumerate(jobs):
            if stop.is_set():
                return
            try:
                if i:
                    _reset_namespace(km)
                papermill.execute_notebook(
                    str(source),
                    str(target),
                    parameters=parameters,
                    kernel_name="python3",
                    km=km,
                    cwd=str(cwd),
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
            done(name)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
        # jupyter_client and papermill run on an event loop of this worker thread
        ensure_event_loop().close()


def _reset_namespace(km: Any) -> None:
    """Empty the kernel's user namespace (imported modules stay loaded)."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive("%reset -f", store_history=False, timeout=60)
    finally:
        kc.stop_channels()


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
    """Run the notebooks, *workers* kernels at once, each running a chain of notebooks.

    The kernels start at once; they run nothing until *check* has passed.
    *on_done* is called with each notebook's name once it has run, in the
    worker's thread.
    """
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    names = list(sources)
    chains = [names[i::workers] for i in range(workers) if names[i::workers]]
    stop, go = threading.Event(), threading.Event()
    with ThreadPoolExecutor(len(chains)) as pool:
        futures = [
            pool.submit(
                _run_chain,
                [(n, sources[n], staging / f"{n}.ipynb") for n in chain],
                dict(values),
                cwd,
                on_done,
                stop,
                go,
            )
            for chain in chains
        ]
        try:
            check()
        except BaseException:
            stop.set()
            raise
        finally:
            go.set()
        for future in as_completed(futures):
            exc = future.exception()
            if exc is not None:
                stop.set()
                if isinstance(exc, NotebookFailed):
                    raise exc
                raise NotebookFailed("the kernels", exc) from exc
