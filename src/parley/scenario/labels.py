"""Labelled points of an issue's scale: what a number on the scale means in words.

An issue's ``points`` map positions to their meaning (``{0: "no recognition", 50: "de facto
recognition", 100: "de jure recognition"}``). A forecast of 47.7 is read as the nearest
labelled point, "~ de facto recognition"; the distance to it says how good the reading is.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["describe", "nearest_label", "nearest_point"]


def nearest_point(points: Mapping[float, str], x: float) -> float | None:
    """The labelled point closest to ``x`` (the lower one on a tie); None without points."""
    if not points or x != x:  # no labels, or NaN
        return None
    return min(points, key=lambda p: (abs(p - x), p))


def nearest_label(points: Mapping[float, str], x: float) -> str | None:
    """The label of the point closest to ``x``; None if the scale has no labelled points."""
    p = nearest_point(points, x)
    return None if p is None else points[p]


def describe(
    x: float, points: Mapping[float, str], number: str | None = None, width: float | None = None
) -> str:
    """``"47.7 ~ de facto recognition"`` (``=`` when ``x`` is on the point, within 1e-9 of the
    scale's ``width`` where given, else of ``max(1, |point|)``); just the number when the
    scale has no labels. ``number`` is the number as already formatted."""
    text = f"{x:.4g}" if number is None else number
    p = nearest_point(points, x)
    if p is None:
        return text
    unit = max(1.0, abs(p)) if width is None else width
    sign = "=" if abs(p - x) <= 1e-9 * unit else "~"
    return f"{text} {sign} {points[p]}"
