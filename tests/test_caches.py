"""Cache sizes from sysfs: parsed exactly from a fake tree, the real machine read when present, bad text refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from nncomplexity.hardware.caches import cache_sizes, last_level_cache_bytes, parse_cache_size


@pytest.mark.parametrize("text,expected", [("32K", 32768), ("16384K\n", 16 * 2**20), ("1M", 2**20),
                                           ("2G", 2 * 2**30), ("512", 512), ("48KB", 48 * 1024)])
def test_parse_cache_size(text, expected):
    assert parse_cache_size(text) == expected


@pytest.mark.parametrize("text,error", [("", ValueError), ("K", ValueError), ("12X", ValueError),
                                        ("-1K", ValueError), (32, TypeError)])
def test_parse_cache_size_bad(text, error):
    with pytest.raises(error, match="text"):
        parse_cache_size(text)


def _fake(root: Path, entries):
    for i, (level, kind, size) in enumerate(entries):
        d = root / f"index{i}"
        d.mkdir()
        (d / "level").write_text(f"{level}\n")
        (d / "type").write_text(f"{kind}\n")
        (d / "size").write_text(f"{size}\n")


def test_cache_sizes_from_a_fake_sysfs(tmp_path):
    _fake(tmp_path, [(1, "Data", "32K"), (1, "Instruction", "64K"), (2, "Unified", "512K"),
                     (3, "Unified", "16384K")])
    assert cache_sizes(tmp_path) == {1: 32768, 2: 524288, 3: 16 * 2**20}  # instruction cache left out
    assert last_level_cache_bytes(tmp_path) == 16 * 2**20


def test_missing_or_broken_sysfs(tmp_path):
    assert cache_sizes(tmp_path / "nowhere") == {} and last_level_cache_bytes(tmp_path / "nowhere") is None
    _fake(tmp_path, [(2, "Unified", "garbage"), (1, "Data", "48K")])
    assert cache_sizes(tmp_path) == {1: 48 * 1024}  # the unreadable entry is skipped


def test_this_machine():
    sizes = cache_sizes()
    if not sizes:
        pytest.skip("no sysfs cache information here")
    levels = sorted(sizes)
    assert levels[0] >= 1 and all(sizes[a] <= sizes[b] for a, b in zip(levels, levels[1:]))
