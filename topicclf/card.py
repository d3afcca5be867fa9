"""Render a model card (the dict in ``model-card.json``) as Markdown."""

from __future__ import annotations

from typing import Any

__all__ = ["render_markdown"]


def _fmt(x: Any) -> str:
    return f"{x:.3f}" if isinstance(x, float) else ("" if x is None else str(x))


def _metrics_table(metrics: dict[str, Any]) -> list[str]:
    lines = []
    for head, m in metrics.items():
        if not isinstance(m, dict) or "per_label" not in m:
            continue
        lines += [f"### {head}", ""]
        summary = {k: v for k, v in m.items() if isinstance(v, (int, float))}
        if summary:
            lines.append(", ".join(f"{k} {_fmt(v)}" for k, v in summary.items()))
            lines.append("")
        lines += ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, row in m["per_label"].items():
            lines.append(f"| {label} | {_fmt(row['precision'])} | {_fmt(row['recall'])} | "
                         f"{_fmt(row['f1'])} | {row['support']} |")
        for lang, lm in m.get("by_language", {}).items():
            lines.append("")
            lines.append(f"{lang}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in lm.items()))
        lines.append("")
    return lines


def render_markdown(card: dict[str, Any]) -> str:
    """The human-readable ``MODEL_CARD.md`` of a model card dict."""
    lines = [f"# Model card: {card.get('name')} {card.get('version')}", ""]
    if card.get("description"):
        lines += [card["description"], ""]
    lines += ["## Versions", "",
              f"- topicclf {card.get('library_version')}, scikit-learn "
              f"{card.get('sklearn_version')}, model format {card.get('format_version')}",
              f"- created {card.get('created')}", "",
              "## Languages", "",
              ", ".join(f"{k} ({v} training texts)" for k, v in
                        sorted(card.get("languages", {}).items())), ""]
    lines += ["## Labels and thresholds", ""]
    for head, info in card.get("heads", {}).items():
        lines.append(f"- **{head}** ({info['kind']}): " + ", ".join(
            f"{lab['id']}" + (f" ({lab['threshold']:.2f})" if lab.get("threshold") is not None
                              else "") for lab in info["labels"]))
    lines.append("")
    data = card.get("training_data")
    if data:
        lines += ["## Training data", ""]
        lines += [f"- {k}: {v}" for k, v in data.items()]
        lines.append("")
    metrics = card.get("metrics")
    if metrics:
        lines += ["## Held-out metrics", ""]
        if metrics.get("note"):
            lines += [metrics["note"], ""]
        lines += _metrics_table(metrics.get("heads", {}))
        geography = metrics.get("geography")
        if geography:
            lines += ["### countries and regions (micro-averaged over documents)", "",
                      "| measure | precision | recall | F1 | F1 fr | F1 en |",
                      "|---|---|---|---|---|---|"]
            for name, m in geography.items():
                bl = m.get("by_language", {})
                lines.append(f"| {name.replace('_', ' ')} | {_fmt(m['precision'])} | "
                             f"{_fmt(m['recall'])} | {_fmt(m['micro_f1'])} | "
                             f"{_fmt(bl.get('fr', {}).get('micro_f1'))} | "
                             f"{_fmt(bl.get('en', {}).get('micro_f1'))} |")
            lines.append("")
    for section in ("intended_use", "limitations", "calibration", "benchmarks"):
        if card.get(section):
            lines += [f"## {section.replace('_', ' ').capitalize()}", "", str(card[section]), ""]
    return "\n".join(lines).rstrip() + "\n"
