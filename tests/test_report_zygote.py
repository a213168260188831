"""The report's kernels forked from one process that imported their libraries once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from kpilib.report import zygote as Z
from kpilib.report.run import Kernels

# what a notebook's kernel says of itself, written to <name>.json in its folder
_SELF = (
    "import json, os, sys\n"
    "json.dump({'pid': os.getpid(), 'ppid': os.getppid(), 'sid': os.getsid(0),"
    " 'cwd': os.getcwd(), 'mark': os.environ.get('KPILIB_TEST_MARK'),"
    " 'parent': os.environ.get('JPY_PARENT_PID'), 'argv0': sys.argv[0]},"
    " open(NAME + '.json', 'w'))"
)


def _notebook(path, *codes):
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in codes]), path
    )
    return path


def _gone(pid, wait=5.0):
    deadline = time.monotonic() + wait
    while Z._alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _run(tmp_path, sources, workers):
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    with Kernels(sources, tmp_path, workers=workers) as kernels:
        zygote = kernels.zygote.proc.pid if kernels.zygote and kernels.zygote.proc else None
        kernels.run(staging, {}, check=lambda: None, on_done=lambda name: None)
    return zygote, kernels


def test_two_kernels_are_forked_from_one_zygote_as_ipykernel_would_start_them(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KPILIB_TEST_MARK", "seen")
    a = _notebook(tmp_path / "a.ipynb", "NAME = 'a'\n" + _SELF)
    b = _notebook(tmp_path / "b.ipynb", "NAME = 'b'\n" + _SELF)
    zygote, kernels = _run(tmp_path, {"a": a, "b": b}, workers=2)
    assert zygote is not None
    seen = [json.loads((tmp_path / f"{n}.json").read_text()) for n in ("a", "b")]
    for kernel in seen:
        assert kernel["ppid"] == zygote  # forked by the zygote
        assert (
            kernel["sid"] == kernel["pid"]
        )  # in a session of its own, as jupyter_client starts kernels
        assert kernel["cwd"] == str(tmp_path)  # the manager's folder
        assert kernel["mark"] == "seen"  # the manager's environment
        assert kernel["parent"] == str(zygote)  # it ends when the zygote does
        assert kernel["argv0"] == "ipykernel_launcher"
        assert _gone(kernel["pid"])  # shut down with the build
    assert kernels.zygote.proc is None and _gone(zygote)


def test_the_zygote_runs_the_warm_up_code_before_it_forks(tmp_path):
    path = str(tmp_path / "warm.txt")
    # written whole (renamed into place): the test reads it once it is there
    warm = (
        f"import os\nwith open({path + '.part'!r}, 'w') as f:\n    f.write(str(os.getpid()))\n"
        f"os.replace({path + '.part'!r}, {path!r})"
    )
    zygote = Z.Zygote(warm)
    pid = zygote.proc.pid
    try:
        not_forkable = ["/bin/sh", "-m", "ipykernel_launcher", "-f", "x.json"]
        assert zygote.spawn(not_forkable, None, None) is None  # nothing sent to the zygote
        for _ in range(500):
            if (tmp_path / "warm.txt").exists():
                break
            time.sleep(0.02)
    finally:
        zygote.close()
    assert (tmp_path / "warm.txt").read_text() == str(pid)
    assert _gone(pid)


def test_one_kernel_is_started_as_usual(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", "NAME = 'a'\n" + _SELF)
    zygote, _ = _run(tmp_path, {"a": a}, workers=2)  # one notebook: one kernel, no zygote
    assert zygote is None
    assert json.loads((tmp_path / "a.json").read_text())["ppid"] == os.getpid()


def test_a_zygote_that_fails_to_start_leaves_the_kernels_started_as_usual(tmp_path, monkeypatch):
    monkeypatch.setattr(Z, "_ARGS", ["-c", "import sys; sys.exit(1)"])
    a = _notebook(tmp_path / "a.ipynb", "NAME = 'a'\n" + _SELF)
    b = _notebook(tmp_path / "b.ipynb", "NAME = 'b'\n" + _SELF)
    _run(tmp_path, {"a": a, "b": b}, workers=2)
    for name in ("a", "b"):
        assert json.loads((tmp_path / f"{name}.json").read_text())["ppid"] == os.getpid()


def test_a_zygote_that_hangs_is_ended_and_the_kernel_started_as_usual(monkeypatch):
    monkeypatch.setattr(Z, "_ARGS", ["-c", "import time; time.sleep(30)"])
    monkeypatch.setattr(Z, "WAIT", 0.3)
    zygote = Z.Zygote("")
    pid = zygote.proc.pid
    started = time.monotonic()
    assert (
        zygote.spawn([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"], None, None)
        is None
    )
    assert time.monotonic() - started < 2  # WAIT, then the zygote killed at once
    assert zygote.proc is None and _gone(pid)
    zygote.close()  # once ended, closing again does nothing


@pytest.mark.parametrize(
    "cmd",
    [
        ["/bin/sh", "-m", "ipykernel_launcher", "-f", "x.json"],  # another program
        [sys.executable, "-m", "other_kernel", "-f", "x.json"],  # another kernel
        [sys.executable, "-m"],  # too short
    ],
)
def test_only_ipykernel_on_this_python_is_forked(cmd):
    assert not Z._forkable(cmd)
    assert Z._forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"])


def test_a_forked_process_is_polled_signalled_and_waited_for():
    proc = subprocess.Popen(["sleep", "30"])  # a child here (a zombie once dead), not the zygote's
    forked = Z.Forked(proc.pid)
    assert forked.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        forked.wait(timeout=0.1)
    forked.kill()
    assert forked.wait(timeout=5) == 0  # its status is the zygote's to know: 0 once ended
    forked.send_signal(signal.SIGTERM)  # ended: nothing is sent
    proc.wait()


def test_off_linux_there_is_no_zygote(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")  # its system libraries are not fork-safe
    zygote = Z.Zygote("")
    assert zygote.proc is None
    assert (
        zygote.spawn([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"], None, None)
        is None
    )
    zygote.close()


def test_the_kernels_listen_on_unix_sockets_of_their_own_removed_after_the_build(tmp_path):
    # a TCP port picked free may be taken before the kernel binds it: "Address already in
    # use" failed a build; Unix sockets in a folder of the build's own have no such race
    info = (
        "import json, os\nfrom ipykernel.connect import get_connection_info\n"
        "json.dump({**json.loads(get_connection_info()), 'pid': os.getpid()},"
        " open(NAME + '.info.json', 'w'))"
    )
    a = _notebook(tmp_path / "a.ipynb", "NAME = 'a'\n" + info)
    b = _notebook(tmp_path / "b.ipynb", "NAME = 'b'\n" + info)
    _, kernels = _run(tmp_path, {"a": a, "b": b}, workers=2)
    seen = [json.loads((tmp_path / f"{n}.info.json").read_text()) for n in ("a", "b")]
    folder = kernels._sockets
    assert [s["transport"] for s in seen] == ["ipc", "ipc"]
    assert all(os.path.dirname(s["ip"]) == folder for s in seen)
    # a kernel of its own each (one kernel may have run both notebooks)
    assert (seen[0]["ip"] == seen[1]["ip"]) == (seen[0]["pid"] == seen[1]["pid"])
    assert not os.path.exists(folder)


def test_without_unix_sockets_the_kernels_keep_tcp(tmp_path):
    kernels = Kernels({}, tmp_path, workers=1)
    kernels.close()
    kernels._sockets = None  # as on Windows
    assert kernels.sockets() == {}
