"""Names imported on first use (parley._lazy): resolved once, listed, unknown ones refused."""

from __future__ import annotations

import pytest

from parley._lazy import lazy_names


def test_a_name_is_imported_on_first_use_and_kept() -> None:
    ns: dict[str, object] = {}
    get, listing = lazy_names("pkg", {"sqrt": "math"}, ns)
    assert "sqrt" in listing() and "sqrt" not in ns
    import math

    assert get("sqrt") is math.sqrt
    assert ns["sqrt"] is math.sqrt
    with pytest.raises(AttributeError, match="'pkg' has no attribute 'cos'"):
        get("cos")


def test_backtest_names_resolve() -> None:
    import parley.backtest as bt

    for name in bt.__all__:
        assert getattr(bt, name) is not None
