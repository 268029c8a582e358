"""The machine a measurement runs on: what it is, and how many threads the libraries use.

A time means nothing without the machine: CPU model, how many cores and
threads the libraries used, which BLAS NumPy calls, the library versions and
the device. Every timing table and figure in the book carries this stamp
(:func:`machine_stamp`, :func:`format_stamp`).

This is the library's one reader of ``/proc/cpuinfo`` (:func:`read_cpuinfo`,
:func:`parse_cpuinfo`); :mod:`nncomplexity.hardware.peak` computes the
theoretical peak from the same :class:`CpuInfo`. :func:`torch_threads` pins
PyTorch's intra-op threads for a block, so a timing says how many it used.
"""
from __future__ import annotations

import contextlib
import os
import platform
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata

from .._validate import Int

__all__ = ["CpuInfo", "format_stamp", "machine_stamp", "parse_cpuinfo", "read_cpuinfo",
           "torch_threads"]

_GHZ_IN_MODEL = re.compile(r"@\s*([0-9]+(?:\.[0-9]+)?)\s*GHz", re.IGNORECASE)


@dataclass(frozen=True)
class CpuInfo:
    """What ``/proc/cpuinfo`` says about the CPU."""

    model: str  # "model name" of the first processor ("unknown CPU" if absent)
    logical_cpus: int  # processor entries: hardware threads the OS sees
    physical_cores: int  # distinct (physical id, core id) pairs; logical_cpus if not given
    mhz: float | None  # largest "cpu MHz" line, None if there is none
    nominal_ghz: float | None  # the "@ x.xxGHz" of the model name, None if absent
    flags: frozenset  # CPU feature flags ("flags" on x86, "Features" on ARM)


def read_cpuinfo(path: str = "/proc/cpuinfo") -> str:
    """The text of ``/proc/cpuinfo`` (Linux). Raises ``OSError`` elsewhere."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def parse_cpuinfo(text: str) -> CpuInfo:
    """Parse the text of ``/proc/cpuinfo``.

    Parameters
    ----------
    text : str
        The file's content: blank-line-separated blocks of ``key : value`` lines,
        one block per logical CPU.

    Returns
    -------
    CpuInfo

    Raises
    ------
    TypeError
        ``text`` is not a str.
    ValueError
        ``text`` holds no ``processor`` entry.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the str content of /proc/cpuinfo, got {type(text).__name__}")
    cpus = []
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        for line in block.splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if "processor" in fields:
            cpus.append(fields)
    if not cpus:
        raise ValueError("text must hold at least one 'processor' entry of /proc/cpuinfo")
    model = next((c["model name"] for c in cpus if c.get("model name")), "unknown CPU")
    if all("physical id" in c and "core id" in c for c in cpus):
        physical = len({(c["physical id"], c["core id"]) for c in cpus})  # hyperthreads share a pair
    else:  # e.g. ARM: no topology in cpuinfo, count every CPU as a core
        physical = len(cpus)
    mhz_values = []
    for c in cpus:
        try:
            mhz_values.append(float(c["cpu mhz"]))
        except (KeyError, ValueError):
            pass
    match = _GHZ_IN_MODEL.search(model)
    flags = set()
    for c in cpus:
        flags.update((c.get("flags") or c.get("features") or "").split())
    return CpuInfo(
        model=model,
        logical_cpus=len(cpus),
        physical_cores=physical,
        mhz=max(mhz_values) if mhz_values else None,
        nominal_ghz=float(match.group(1)) if match else None,
        flags=frozenset(flags),
    )


def _this_cpu() -> CpuInfo | None:
    try:
        return parse_cpuinfo(read_cpuinfo())
    except (OSError, ValueError):  # not Linux, or an unreadable file
        return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _blas() -> str:
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy: no dict mode
        return "unknown"


def machine_stamp() -> dict:
    """Describe this machine and software for a timing record.

    Returns
    -------
    dict
        Keys ``cpu``, ``physical_cores``, ``logical_cpus``, ``usable_cpus``,
        ``torch_threads``, ``blas``, ``python``, ``numpy``, ``torch``,
        ``matplotlib``, ``os``, ``device``.
    """
    cpu = _this_cpu()
    stamp = {
        "cpu": cpu.model if cpu else (platform.processor() or platform.machine() or "unknown CPU"),
        "physical_cores": cpu.physical_cores if cpu else None,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "torch_threads": None,
        "blas": _blas(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "torch": _version("torch"),
        "matplotlib": _version("matplotlib"),
        "os": f"{platform.system()} {platform.release()}",
        "device": "cpu",
    }
    torch = sys.modules.get("torch")  # only report what a measurement could have used
    if torch is not None:
        stamp["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            stamp["device"] = torch.cuda.get_device_name(0)
    return stamp


def format_stamp(stamp: dict | None = None) -> str:
    """One line for a figure caption or a table footer (default: this machine's stamp)."""
    s = machine_stamp() if stamp is None else stamp
    cores = f"{s['physical_cores']} cores/" if s.get("physical_cores") else ""
    threads = f", torch {s['torch_threads']} threads" if s.get("torch_threads") else ""
    return (
        f"{s['cpu']} ({cores}{s['logical_cpus']} CPUs{threads}); {s['blas']}; "
        f"Python {s['python']}, NumPy {s['numpy']}, PyTorch {s['torch']}; device {s['device']}"
    )


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run a block with PyTorch's intra-op thread count set to ``threads``, restored after.

    Parameters
    ----------
    threads : int or None
        Threads (>= 1) for PyTorch's intra-op pool inside the block; None leaves
        the setting (and PyTorch) alone.

    Examples
    --------
    >>> with torch_threads(1):  # doctest: +SKIP
    ...     timing = time_call(forward)
    """
    if threads is None:
        yield
        return
    threads = Int(minimum=1).check("threads", threads)
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
