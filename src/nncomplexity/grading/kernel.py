"""A Jupyter kernel the grader starts, runs code in under a time limit, and always stops.

The kernel is a separate process (``_launch.py``: an IPython kernel with a memory limit), in its
own process group; :meth:`Kernel.stop` kills the group. :meth:`Kernel.run` sends code, reads
the replies until the kernel is idle, and reports ``ok``, ``error``, ``timeout`` (interrupted,
then idle), ``hung`` (still busy after the interrupt: stop it) or ``dead`` (the process ended).
Built on jupyter_client, the library nbclient uses.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

__all__ = ["Kernel", "Run"]

LAUNCHER = str(Path(__file__).with_name("_launch.py"))
INTERRUPT_GRACE_S = 5.0  # after an interrupt, how long a kernel may take to become idle
MAX_KEPT_CHARS = 64_000_000  # of the lines a caller keeps from a cell's output


@dataclass
class Run:
    """What happened when code ran: status, the error if any, and the output lines kept."""

    status: str  # "ok", "error", "timeout", "hung", "dead"
    ename: str = ""
    evalue: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def error_line(self) -> str:
        first = self.evalue.strip().splitlines()
        return f"{self.ename}: {first[0] if first else ''}".rstrip(": ")


class Kernel:
    """One kernel process. Use as a context manager, or call :meth:`stop`."""

    def __init__(self, *, cwd: str | os.PathLike = ".", memory_mb: int = 4096, python: str = sys.executable,
                 startup_timeout: float = 60.0):
        self.cwd, self.memory_mb, self.python, self.startup_timeout = str(cwd), int(memory_mb), python, startup_timeout
        self.km = self.kc = None

    def start(self) -> Kernel:
        """Launch the process (returns at once; :meth:`ready` waits for it)."""
        from jupyter_client.kernelspec import KernelSpec
        from jupyter_client.manager import KernelManager

        self.km = KernelManager()
        self.km._kernel_spec = KernelSpec(
            argv=[self.python, LAUNCHER, "--memory-mb", str(self.memory_mb), "-f", "{connection_file}",
                  "--HistoryManager.enabled=False", "--IPKernelApp.log_level=CRITICAL"],
            display_name="nncomplexity grader", language="python")
        env = dict(os.environ, MPLBACKEND="Agg", MALLOC_ARENA_MAX="2", PYDEVD_DISABLE_FILE_VALIDATION="1",
                   JUPYTER_PLATFORM_DIRS="1")
        self.km.start_kernel(cwd=self.cwd, env=env)
        return self

    def ready(self) -> Kernel:
        if self.kc is None:
            self.kc = self.km.client()
            self.kc.start_channels()
            try:
                self.kc.wait_for_ready(timeout=self.startup_timeout)
            except RuntimeError:
                self.stop()
                raise
        return self

    def __enter__(self) -> Kernel:
        return self.start().ready()

    def __exit__(self, *exc) -> None:
        self.stop()

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def stop(self) -> None:
        """Kill the kernel's process group and close the channels (safe to call twice)."""
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001 (already closed)
                pass
            self.kc = None
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 (already dead)
                pass
            try:
                self.km.cleanup_resources()
            except Exception:  # noqa: BLE001
                pass
            self.km = None

    def run(self, code: str, timeout: float, *, keep=None, progress: float | None = None,
            store_history: bool = True) -> Run:
        """Run ``code`` for at most ``timeout`` s; keep the stdout lines for which ``keep(line)`` is true.

        With ``progress``, also stop when no kept line has come for that many seconds.
        """
        self.ready()
        msg_id = self.kc.execute(code, store_history=store_history, allow_stdin=False, stop_on_error=False)
        run, partial, kept = Run("ok"), "", 0
        start = checked = last = time.monotonic()
        interrupted, grace = None, min(INTERRUPT_GRACE_S, max(progress or timeout, 1.0))
        while True:
            now = time.monotonic()
            deadline = interrupted + grace if interrupted else min(start + timeout, last + (progress or timeout))
            if now >= deadline:
                if interrupted:
                    run.status = "hung"
                    return run
                try:
                    self.km.interrupt_kernel()
                except Exception:  # noqa: BLE001 (it died meanwhile: the next check says so)
                    pass
                interrupted = now
                continue
            if now - checked > 1.0:
                checked = now
                if not self.km.is_alive():
                    run.status = "dead"
                    return run
            try:
                msg = self.kc.get_iopub_msg(timeout=min(0.5, max(deadline - now, 0.01)))
            except Empty:
                if not self.km.is_alive():
                    run.status = "dead"
                    return run
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout" and keep is not None:
                partial += content.get("text", "")
                *complete, partial = partial.split("\n")
                for line in complete:
                    if keep(line) and kept + len(line) <= MAX_KEPT_CHARS:
                        run.lines.append(line)
                        kept, last = kept + len(line), time.monotonic()
                if len(partial) > MAX_KEPT_CHARS:
                    partial = ""
            elif kind == "error":
                run.ename, run.evalue = content.get("ename", "Error"), content.get("evalue", "")
            elif kind == "status" and content.get("execution_state") == "idle":
                if partial and keep is not None and keep(partial):
                    run.lines.append(partial)
                if interrupted:
                    run.status = "timeout"
                elif run.ename:
                    run.status = "error"
                return run
