"""The processor's data caches, as the operating system reports them.

Whether a kernel's working set fits in a cache decides which bandwidth it sees:
weights that fit in the last-level cache are read from there, faster than from
memory. Linux lists each cache of CPU 0 under
``/sys/devices/system/cpu/cpu0/cache/index*/`` (files ``level``, ``type``,
``size``); elsewhere :func:`cache_sizes` returns an empty dict.

Book: the forward-propagation chapter's section on batching (weights in and out
of the last-level cache).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["cache_sizes", "last_level_cache_bytes", "parse_cache_size"]

_SYSFS = "/sys/devices/system/cpu/cpu0/cache"
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_cache_size(text: str) -> int:
    """Bytes in a sysfs cache size such as ``"32K"``, ``"16384K"`` or ``"1M"``.

    Raises ``ValueError`` for anything else.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    s = text.strip().upper().removesuffix("B")
    unit = s[-1:] if s[-1:] in ("K", "M", "G") else ""
    number = s[: len(s) - len(unit)]
    if not number.isdigit():
        raise ValueError(f"text must be a cache size like '32K', got {text!r}")
    return int(number) * _UNITS[unit]


def cache_sizes(root: str | Path = _SYSFS) -> dict[int, int]:
    """Size in bytes of the data (or unified) cache at each level seen by CPU 0.

    Parameters
    ----------
    root : str or Path
        The sysfs folder holding ``index0``, ``index1``, …

    Returns
    -------
    dict
        ``{level: bytes}``, e.g. ``{1: 32768, 2: 524288, 3: 16777216}``; empty
        where the folder does not exist (not Linux) or cannot be read.

    Cost: a few small file reads.
    """
    sizes: dict[int, int] = {}
    for index in sorted(Path(root).glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            level = int((index / "level").read_text())
            size = parse_cache_size((index / "size").read_text())
        except (OSError, ValueError):
            continue
        if kind in ("Data", "Unified"):
            sizes[level] = max(size, sizes.get(level, 0))
    return sizes


def last_level_cache_bytes(root: str | Path = _SYSFS) -> int | None:
    """Size of the highest-level data cache in bytes, or ``None`` where unknown."""
    sizes = cache_sizes(root)
    return sizes[max(sizes)] if sizes else None
