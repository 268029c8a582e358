"""Read a notebook's stored outputs: the values it glued and its prose (shared by the prose tests)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def glued(path: Path) -> dict:
    """Every value glued in the notebook's stored outputs, by name."""
    values = {}
    for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                values[name] = ast.literal_eval(out["data"]["application/papermill.record/text/plain"])
    return values


def markdown(path: Path) -> str:
    """The notebook's markdown cells, joined."""
    return "\n".join("".join(c["source"]) for c in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "markdown")
