"""Load the annotated corpus from ../shared for benchmarks and the model build."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "train.jsonl"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    """Rows of train.jsonl, with ``regions`` as M49 codes (Antarctica dropped)."""
    from topicclf.taxonomy import region_id

    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    for r in rows:
        r["region_codes"] = [c for c in map(region_id, r["regions"]) if c]
    return rows
