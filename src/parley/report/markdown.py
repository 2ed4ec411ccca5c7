"""The brief as Markdown: one page of plain sentences, then (``tables=True``) the figures."""

from __future__ import annotations

from typing import Any

__all__ = ["brief_markdown", "model_constants"]

_SECTIONS = (
    ("reconciliation", "In short"),
    ("issues", "Where each issue would land if a deal is made"),
    ("space", "Which deals are possible at all"),
    ("outcomes", "How likely each outcome is"),
    ("levers", "The levers that matter most"),
    ("game", "What each side will rationally do next"),
    ("robustness", "How far the conclusions hold"),
)


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup in user-written text."""
    out = text.replace("\\", "\\\\")
    for ch in "*_`[]<|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _tables(b: dict[str, Any]) -> list[str]:
    lines = ["", "## Figures", "", "### Forecasts by model", ""]
    models = list(b["issues"][0]["forecasts"]) if b["issues"] else []
    lines.append("| issue | " + " | ".join(models) + " | median | reading |")
    lines.append("|---" * (len(models) + 3) + "|")
    for it in b["issues"]:
        cells = [f"{it['forecasts'][m]:.3g}" for m in models]
        lines.append(f"| {_md(it['id'])} | " + " | ".join(cells)
                     + f" | {it['median_forecast']:.3g} | {_md(it['label'] or '')} |")
    lines += ["", "### Outcomes", "", "| outcome | probability | 90% interval | blocked by |",
              "|---|---|---|---|"]
    for o in sorted(b["outcomes"], key=lambda r: -r["probability"]):
        iv = o["interval"]
        ivs = f"{100 * iv[0]:.0f}-{100 * iv[1]:.0f}%" if iv else ""
        lines.append(f"| {_md(o['name'])} | {100 * o['probability']:.1f}% | {ivs} | "
                     f"{_md(', '.join(o['blocked_by']))} |")
    return lines


def model_constants(model: dict[str, Any]) -> str:
    """``", consent bias A, no-proposal weight B"`` of a brief's ``"model"`` (empty for a
    brief from before they were echoed)."""
    if "consent_bias" not in model:
        return ""
    return (f", consent bias {model['consent_bias']:g}, "
            f"no-proposal weight {model['no_proposal']:g}")


def brief_markdown(brief: dict[str, Any], tables: bool = False) -> str:
    """The Markdown text of a brief from :func:`parley.report.brief.build_brief`."""
    title = _md(brief["title"])
    lines = [f"# Brief: {title}", ""]
    if brief.get("date"):
        lines += [f"Scenario `{brief['scenario']}`, as of {brief['date']}.", ""]
    s = brief["sentences"]
    for key, heading in _SECTIONS:
        items = s.get(key) or []
        if not items:
            continue
        lines += [f"## {heading}", ""]
        lines += [f"- {_md(t)}" for t in items]
        lines.append("")
    m = brief["model"]
    lines.append(
        f"_Computed by parley: {m['draws']} Monte Carlo draws (seed {m['seed']}), logit "
        f"precision {m['precision']:g}{model_constants(m)}, {m['loss']} loss. Every sentence "
        "above is built from a computed figure; run `parley brief --format json` for the figures._"
    )
    if tables:
        lines += _tables(brief)
    return "\n".join(lines) + "\n"
