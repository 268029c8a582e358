"""A stamp of the machine a measurement ran on.

A time means nothing without the machine: CPU model, how many cores and
threads the libraries used, which BLAS NumPy calls, the library versions and
the device. Every timing table and figure in the book carries this stamp.
"""
from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _physical_cores() -> int | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            pairs = set()
            phys = core = None
            for line in fh:
                if line.startswith("physical id"):
                    phys = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                elif not line.strip() and phys is not None:
                    pairs.add((phys, core))
                    phys = core = None
            return len(pairs) or None
    except OSError:
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
    stamp = {
        "cpu": _cpu_model(),
        "physical_cores": _physical_cores(),
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
    """One line for a figure caption or a table footer."""
    s = machine_stamp() if stamp is None else stamp
    cores = f"{s['physical_cores']} cores/" if s.get("physical_cores") else ""
    threads = f", torch {s['torch_threads']} threads" if s.get("torch_threads") else ""
    return (
        f"{s['cpu']} ({cores}{s['logical_cpus']} CPUs{threads}); {s['blas']}; "
        f"Python {s['python']}, NumPy {s['numpy']}, PyTorch {s['torch']}; device {s['device']}"
    )
