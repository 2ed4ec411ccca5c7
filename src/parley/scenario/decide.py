"""Read and write the Decide CSV format of the exchange-model software.

The format is the input of the Decide / exchange-model tools used in research on collective
decision making (Stokman and Van Oosten's exchange model, Stokman & Van Oosten 1994; Thomson,
Stokman, Achen & König, *The European Union Decides*, 2006; the open-source implementation
``foarsitter/decide-exchange-model``). A file is a list of records, one per line, each starting
with a record type:

``#O;title``
    The title of the data set (optional).
``#/;anything``
    A comment; ignored.
``#A;actor_id;name[;comment]``
    An actor. The comment becomes :attr:`Actor.notes`.
``#P;issue_id;title[;description]``
    An issue. A description that differs from the title becomes :attr:`Issue.description`.
``#M;issue_id;position[;meaning]``
    A point of the issue's scale. The lowest and highest ``#M`` positions of an issue are its
    scale (0-100 when the issue has none); every ``#M`` row with a meaning becomes a labelled
    point (:attr:`Issue.points`). Rows without a meaning only set the bounds: they are not kept
    as points, so an unlabelled interior ``#M`` row does not survive a round trip.
``#D;actor_id;issue_id;position;salience;power[;comment]``
    An actor's stance on an issue. The comment becomes :attr:`Stance.note`.

What the reader accepts (files in the wild differ):

* separators ``;``, TAB or ``,``, detected from the character that follows the first record
  type (``csv.Sniffer`` is not used: it takes ``#`` for the separator);
* fields quoted with ``'`` or ``"`` (a doubled quote inside stands for one), unquoted fields
  with surrounding spaces, rows padded with empty fields (``#A;USA;USA;;;``), blank lines,
  Windows or old Mac line ends, a UTF-8 byte-order mark, record types in either case;
* saliences on 0-1 or 0-100: if any salience exceeds 1, the whole file is taken to be on 0-100
  and every salience is divided by 100 (said in :attr:`Scenario.notes`); a file on 0-100 with
  fractions between 0 and 1 in some rows is refused, naming those rows (mixed scales);
* power (capability) on any positive scale, kept as given. It may differ per issue: the actor's
  capability is its most common power (the first in file order on a tie) and the other values
  become issue-specific ``capability`` in the stances;
* an actor or issue without any ``#D`` row is left out, with a note.

What it rejects, with the file, the line and the problem: a NUL byte, a line longer than the
``line_chars`` limit, more actors or issues than the limits (:mod:`parley.scenario.limits`),
an unknown record type, a missing
column, a text where a number belongs (including a decimal comma, NaN and infinity), a negative
salience or one above 100, power that is not positive, a position outside the issue's ``#M``
bounds, a duplicate ``#A``/``#P`` id, a second ``#D`` row for the same actor and issue, a
``#D``/``#M`` row naming an actor or issue without its ``#A``/``#P`` row, a file without ``#A``,
``#P`` or ``#D`` rows, and an empty file.

The writer (:func:`dump_decide`) writes ``;``-separated rows: ``#O`` with the title, ``#A``,
``#P``, ``#M`` for every labelled point plus the scale's min and max, and ``#D`` with the
position, the salience (0-1) and the power (the stance's capability if it has one, else the
actor's). Only values are written: what the CSV format cannot hold is dropped, namely the
scenario's date, description, sources and notes; packages, channels, levers and veto players;
red lines and no-deal points; the uncertainty ranges (``low``/``high``) and sources of every
estimate; the ``source`` fields; and actors without any stance. Line breaks inside names and
comments become spaces.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from parley.errors import ScenarioError
from parley.scenario.limits import check_limit, limit
from parley.scenario.schema import Scenario

__all__ = ["decide_losses", "dump_decide", "parse_decide"]

_DELIMITERS = (";", "\t", ",")
_QUOTES = ("'", '"')
_KNOWN = {"#O", "#/", "#A", "#P", "#M", "#D"}
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_TOKEN = re.compile(r"^\s*(['\"]?)(#.)\1?(.?)")


@dataclass
class _Row:
    line: int
    kind: str
    fields: list[str]


@dataclass
class _Reader:
    """State of one parse: the file name, for error messages, and what was read so far."""

    file: str | Path
    delimiter: str = ";"
    delimiter_line: int | None = None
    title: str | None = None
    title_line: int | None = None
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    actor_lines: dict[str, int] = field(default_factory=dict)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    issue_lines: dict[str, int] = field(default_factory=dict)
    marks: dict[str, dict[float, tuple[str, int]]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: list[ScenarioError] = field(default_factory=list)

    def error(self, message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError(message, file=self.file, line=line)


# -- reading ---------------------------------------------------------------------------------
def parse_decide(text: str, file: str | Path = "<string>") -> Scenario:
    """Parse a Decide CSV file into a validated :class:`Scenario`.

    Raises :class:`ScenarioError` naming ``file``, the line and the problem on any error.
    """
    rd = _Reader(file)
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rd.delimiter, rd.delimiter_line = _detect_delimiter(lines)
    rows = list(_rows(rd, lines))
    for kind, name in (("#A", "actors"), ("#P", "issues")):
        found = [row.line for row in rows if row.kind == kind]
        if found:
            check_limit(name, len(found), f"{len(found):,} {name} (#{kind[1]} rows)",
                        file=file, line=found[min(len(found), limit(name) + 1) - 1])
    if all(row.kind in ("#/", "#O") for row in rows):
        raise rd.error("the file is empty: no #A, #P, #M or #D rows in it")
    for row in rows:
        try:
            _HANDLERS[row.kind](rd, row)
        except ScenarioError as exc:
            rd.errors.append(exc)
    for kind, what, table in (("#A", "actor", rd.actors), ("#P", "issue", rd.issues)):
        if not table:
            _raise_first(rd)
            raise rd.error(f"no {kind} ({what}) rows: a Decide file must list its {what}s")
    if not rd.data:
        _raise_first(rd)
        raise rd.error("no #D (data) rows: no actor has a position on any issue")
    _check_references(rd)
    _raise_first(rd)
    return _build(rd)


def _raise_first(rd: _Reader) -> None:
    """Raise the problem found first in the file, counting the others."""
    if not rd.errors:
        return
    first = min(rd.errors, key=lambda e: e.line or 0)
    more = len(rd.errors) - 1
    msg = first.message
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    raise ScenarioError(msg, file=first.file, line=first.line)


def _detect_delimiter(lines: list[str]) -> tuple[str, int | None]:
    """The character after the first record type (``#A;`` -> ``;``); ``;`` if none is found.
    Comment rows (``#/``) are consulted only when no other row gives an answer, as their text
    is free."""
    fallback: tuple[str, int | None] = (";", None)
    for k, line in enumerate(lines, start=1):
        m = _TOKEN.match(line)
        if m and m.group(3) in _DELIMITERS:
            if m.group(2) != "#/":
                return m.group(3), k
            if fallback[1] is None:
                fallback = (m.group(3), k)
    return fallback


def _split(rd: _Reader, line: str) -> list[str]:
    """Split one line into fields: quotes removed, spaces around unquoted fields stripped.

    A field is quoted when it starts with a quote character that is closed before the next
    separator (or the end of the line); a doubled quote inside stands for one.
    """
    d = rd.delimiter
    out: list[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t" and line[i] != d:
            i += 1
        if i < n and line[i] in _QUOTES:
            q = line[i]
            j = i + 1
            buf: list[str] = []
            closed = False
            while True:  # each step jumps to the next quote: linear in the line's length
                e = line.find(q, j)
                if e < 0:
                    break
                buf.append(line[j:e])
                if e + 1 < n and line[e + 1] == q:
                    buf.append(q)
                    j = e + 2
                    continue
                k = e + 1
                while k < n and line[k] in " \t" and line[k] != d:
                    k += 1
                if k == n or line[k] == d:
                    closed = True
                    j = k
                    break
                buf.append(line[e:k])  # a quote inside the field, not closing it
                j = k
            if closed:
                out.append("".join(buf))
                if j == n:
                    return out
                i = j + 1
                continue
        j = line.find(d, i)
        if j < 0:
            out.append(line[i:].strip())
            return out
        out.append(line[i:j].strip())
        i = j + 1


def _rows(rd: _Reader, lines: list[str]) -> Iterator[_Row]:
    max_chars = limit("line_chars")
    for lineno, line in enumerate(lines, start=1):
        if len(line) > max_chars:
            check_limit("line_chars", len(line), f"{len(line):,} characters", file=rd.file,
                        line=lineno)
        if "\x00" in line:
            raise rd.error("contains a NUL byte (is it a binary file?)", lineno)
        if not line.strip() or line.lstrip(" \t'\"").startswith("#/"):
            continue  # blank, or a comment whatever follows the "#/"
        fields = _split(rd, line)
        while fields and fields[-1] == "":
            fields.pop()
        if not fields:
            continue  # a row of empty fields (";;;;")
        kind = fields[0].upper()
        if kind not in _KNOWN:
            raise rd.error(_unknown_record(rd, fields[0]), lineno)
        yield _Row(lineno, kind, fields[1:])


def _unknown_record(rd: _Reader, first: str) -> str:
    head = first[:2].upper()
    if head in _KNOWN and len(first) > 2 and first[2] in _DELIMITERS:
        sep = _sep_name(first[2])
        return (
            f"this row is separated by {sep}, but the file is separated by "
            f"{_sep_name(rd.delimiter)} (as detected on line {rd.delimiter_line})"
        )
    shown = first if len(first) <= 20 else first[:20] + "..."
    return (
        f"unknown record type {shown!r}: each row must start with #A (actor), #P (issue), "
        "#M (scale point), #D (data), #O (title) or #/ (comment)"
    )


def _sep_name(d: str) -> str:
    return {";": "';'", "\t": "TAB", ",": "','"}.get(d, repr(d))


def _need(rd: _Reader, row: _Row, names: tuple[str, ...]) -> list[str]:
    """The first ``len(names)`` fields of a row; an error naming the first missing column."""
    for k, name in enumerate(names):
        if k >= len(row.fields) or row.fields[k] == "":
            layout = ";".join((row.kind, *names))
            raise rd.error(f"{row.kind} row without {name} (expected {layout})", row.line)
    return row.fields[: len(names)]


def _number(rd: _Reader, text: str, what: str, line: int) -> float:
    t = text.strip()
    shown = repr(text) if len(text) <= 40 else repr(text[:30]) + f"... ({len(text)} characters)"
    if t.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise rd.error(f"{what} {shown} is not a finite number", line)
    if not _NUMBER.match(t):
        hint = ""
        if re.match(r"^[+-]?\d*,\d+$", t):
            hint = " (use a decimal point, not a decimal comma)"
        raise rd.error(f"{what} {shown} is not a number{hint}", line)
    v = float(t)
    if not math.isfinite(v):
        raise rd.error(f"{what} {shown} is not a finite number", line)
    return v


def _extra(row: _Row, start: int) -> str | None:
    """Any fields after the required ones, joined, as an optional comment."""
    rest = [f for f in row.fields[start:] if f]
    return "; ".join(rest) if rest else None


def _check_id(rd: _Reader, ident: str, what: str, line: int) -> None:
    if len(ident) > 200:
        raise rd.error(f"{what} id is longer than 200 characters", line)
    bad = next((c for c in ident if c in ";\t\r\n"), None)
    if bad is not None:
        raise rd.error(f"{what} id {ident!r} contains {_sep_name(bad)}, which ids may not", line)


def _title(rd: _Reader, row: _Row) -> None:
    if rd.title_line is not None:
        raise rd.error(
            f"a second #O (title) row; the title was already given on line {rd.title_line}",
            row.line,
        )
    rd.title_line = row.line
    title = " ".join(f for f in row.fields if f)
    rd.title = title or None


def _comment(rd: _Reader, row: _Row) -> None:
    return None


def _actor(rd: _Reader, row: _Row) -> None:
    (aid,) = _need(rd, row, ("actor id",))
    _check_id(rd, aid, "actor", row.line)
    if aid in rd.actors:
        raise rd.error(
            f"duplicate actor id {aid!r} (first given on line {rd.actor_lines[aid]})", row.line
        )
    name = row.fields[1] if len(row.fields) > 1 and row.fields[1] else aid
    actor: dict[str, Any] = {"id": aid, "name": name}
    note = _extra(row, 2)
    if note is not None:
        actor["notes"] = note
    rd.actors[aid] = actor
    rd.actor_lines[aid] = row.line


def _issue(rd: _Reader, row: _Row) -> None:
    (iid,) = _need(rd, row, ("issue id",))
    _check_id(rd, iid, "issue", row.line)
    if iid in rd.issues:
        raise rd.error(
            f"duplicate issue id {iid!r} (first given on line {rd.issue_lines[iid]})", row.line
        )
    title = row.fields[1] if len(row.fields) > 1 and row.fields[1] else iid
    issue: dict[str, Any] = {"id": iid, "title": title}
    desc = _extra(row, 2)
    if desc is not None and desc != title:
        issue["description"] = desc
    rd.issues[iid] = issue
    rd.issue_lines[iid] = row.line


def _mark(rd: _Reader, row: _Row) -> None:
    iid, pos = _need(rd, row, ("issue id", "position"))
    x = _number(rd, pos, "scale position", row.line)
    label = _extra(row, 2) or ""
    marks = rd.marks.setdefault(iid, {})
    if x in marks and marks[x][0] and label and marks[x][0] != label:
        raise rd.error(
            f"issue {iid!r}: position {x:g} is given two meanings (first on line "
            f"{marks[x][1]})",
            row.line,
        )
    if x not in marks or (label and not marks[x][0]):
        marks[x] = (label, row.line)


def _datum(rd: _Reader, row: _Row) -> None:
    aid, iid, pos, sal, pw = _need(
        rd, row, ("actor id", "issue id", "position", "salience", "power")
    )
    key = (aid, iid)
    if key in rd.data:
        raise rd.error(
            f"a second #D row for actor {aid!r} on issue {iid!r} (first on line "
            f"{rd.data_lines[key]})",
            row.line,
        )
    position = _number(rd, pos, "position", row.line)
    salience = _number(rd, sal, "salience", row.line)
    power = _number(rd, pw, "power", row.line)
    if salience < 0:
        raise rd.error(f"salience {sal} is negative (must be 0-1 or 0-100)", row.line)
    if salience > 100:
        raise rd.error(f"salience {sal} is above 100 (must be 0-1 or 0-100)", row.line)
    if power <= 0:
        raise rd.error(f"power {pw} must be positive", row.line)
    rd.data[key] = {"position": position, "salience": salience, "power": power}
    note = _extra(row, 5)
    if note is not None:
        rd.data[key]["note"] = note
    rd.data_lines[key] = row.line


_HANDLERS = {
    "#O": _title,
    "#/": _comment,
    "#A": _actor,
    "#P": _issue,
    "#M": _mark,
    "#D": _datum,
}


def _unknown_ref(kind: str, ref: str, known: dict[str, Any]) -> str:
    """'unknown actor 'usa' (no #A row for it; did you mean 'USA'?)'."""
    record = "#A" if kind == "actor" else "#P"
    msg = f"unknown {kind} {ref!r}: no {record} row gives this id"
    close = [k for k in known if k.casefold() == ref.casefold()]
    if close:
        msg += f" (did you mean {close[0]!r}?)"
    return msg


def _check_references(rd: _Reader) -> None:
    """Cross-row checks: known ids, scales from the #M rows, positions within them. Problems
    are added to ``rd.errors``."""
    for iid, marks in rd.marks.items():
        if iid not in rd.issues:
            line = min(ln for _, ln in marks.values())
            rd.errors.append(rd.error(_unknown_ref("issue", iid, rd.issues), line))
    for (aid, iid), line in rd.data_lines.items():
        if aid not in rd.actors:
            rd.errors.append(rd.error(_unknown_ref("actor", aid, rd.actors), line))
        if iid not in rd.issues:
            rd.errors.append(rd.error(_unknown_ref("issue", iid, rd.issues), line))
    for iid, issue in rd.issues.items():
        marks = rd.marks.get(iid, {})
        if not marks:
            continue
        lo, hi = min(marks), max(marks)
        if lo == hi:
            rd.errors.append(
                rd.error(
                    f"issue {iid!r} has #M rows at {lo:g} only; its #M rows must give the "
                    "lowest and the highest position of the scale",
                    marks[lo][1],
                )
            )
            continue
        issue["scale"] = {"min": lo, "max": hi}
        points = {x: lab for x, (lab, _) in sorted(marks.items()) if lab}
        if points:
            issue["points"] = points
    for (aid, iid), d in rd.data.items():
        if iid not in rd.issues:
            continue
        scale = rd.issues[iid].get("scale", {"min": 0.0, "max": 100.0})
        if not scale["min"] <= d["position"] <= scale["max"]:
            src = "its #M rows" if iid in rd.marks else "the default, as it has no #M rows"
            rd.errors.append(
                rd.error(
                    f"position {d['position']:g} of actor {aid!r} lies outside the scale of "
                    f"issue {iid!r}, {scale['min']:g}-{scale['max']:g} ({src})",
                    rd.data_lines[(aid, iid)],
                )
            )


def _build(rd: _Reader) -> Scenario:
    notes: list[str] = []
    # saliences on 0-100?
    rescale = any(d["salience"] > 1 for d in rd.data.values())
    if rescale:
        small = sum(d["salience"] <= 1 for d in rd.data.values())
        if 2 * small > len(rd.data):
            key = next(k for k, d in rd.data.items() if d["salience"] > 1)
            raise rd.error(
                f"salience {rd.data[key]['salience']:g} is above 1 while most saliences in the "
                "file are on a 0-1 scale: mixed scales (a typo?); use 0-1 or 0-100 throughout",
                rd.data_lines[key],
            )
        # fractions between 0 and 1 in a file on 0-100 are almost certainly on 0-1: dividing
        # them by 100 as well would make those stances a hundred times less salient
        odd = sorted(
            (rd.data_lines[k], d["salience"])
            for k, d in rd.data.items()
            if 0 < d["salience"] < 1
        )
        if odd:
            shown = ", ".join(f"line {ln}: {v:g}" for ln, v in odd[:5])
            more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
            raise rd.error(
                f"saliences are on a 0-100 scale, but {len(odd)} row(s) give a fraction between "
                f"0 and 1 ({shown}{more}): mixed scales; use 0-1 or 0-100 throughout",
                odd[0][0],
            )
        notes.append("Saliences were given on a 0-100 scale and have been divided by 100.")

    stances: dict[str, dict[str, dict[str, Any]]] = {}
    powers: dict[str, list[float]] = {}
    for (aid, iid), d in rd.data.items():
        st: dict[str, Any] = {
            "position": d["position"],
            "salience": d["salience"] / 100 if rescale else d["salience"],
        }
        if "note" in d:
            st["note"] = d["note"]
        stances.setdefault(aid, {})[iid] = st
        powers.setdefault(aid, []).append(d["power"])

    actors = []
    for aid, actor in rd.actors.items():
        if aid not in powers:
            notes.append(
                f"Actor {aid!r} (line {rd.actor_lines[aid]}) has no #D rows and was left out."
            )
            continue
        counts = Counter(powers[aid])
        best = max(counts.values())
        cap = next(p for p in powers[aid] if counts[p] == best)
        actor["capability"] = cap
        for iid, st in stances[aid].items():
            p = rd.data[(aid, iid)]["power"]
            if p != cap:
                st["capability"] = p
        actors.append(actor)

    issues = []
    for iid, issue in rd.issues.items():
        if not any(iid in per for per in stances.values()):
            notes.append(
                f"Issue {iid!r} (line {rd.issue_lines[iid]}) has no #D rows and was left out."
            )
            continue
        issues.append(issue)

    title = rd.title or f"Decide data from {Path(str(rd.file)).name}"
    data: dict[str, Any] = {
        "title": title,
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    if notes:
        data["notes"] = " ".join(notes)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise _validation_error(rd, err, data) from None


def _validation_error(rd: _Reader, err: ValidationError, data: dict[str, Any]) -> ScenarioError:
    """The first pydantic error as a one-line error pointing at the row it came from."""
    e = err.errors(include_url=False)[0]
    loc = tuple(e["loc"])
    msg = str(e["msg"]).removeprefix("Value error, ")
    line: int | None = None
    if len(loc) >= 2 and loc[0] == "actors" and isinstance(loc[1], int):
        line = rd.actor_lines.get(data["actors"][loc[1]]["id"])
    elif len(loc) >= 2 and loc[0] == "issues" and isinstance(loc[1], int):
        line = rd.issue_lines.get(data["issues"][loc[1]]["id"])
    elif len(loc) >= 3 and loc[0] == "stances":
        line = rd.data_lines.get((str(loc[1]), str(loc[2])))
    elif loc == ("title",):
        line = rd.title_line
    where = ".".join(str(p) for p in loc)
    return ScenarioError(f"{where}: {msg}" if where else msg, file=rd.file, line=line)


# -- writing ---------------------------------------------------------------------------------
def decide_losses(scenario: Scenario) -> list[str]:
    """What :func:`dump_decide` drops from ``scenario``, one phrase each ('2 packages (deal,
    other)'), in the order of the format's description; empty if nothing is lost."""
    def ids(items: list[Any]) -> str:
        shown = ", ".join(str(i) for i in items[:5])
        return shown + (f", ... ({len(items)} in all)" if len(items) > 5 else "")

    stances = [(a, i, st) for a, per in scenario.stances.items() for i, st in per.items()]
    lost: list[str] = []
    for label, value in (
        ("the date", scenario.date), ("the description", scenario.description),
        ("the notes", scenario.notes),
    ):
        if value:
            lost.append(label)
    if scenario.sources:
        lost.append(f"{len(scenario.sources)} source(s)")
    for label, items in (
        ("package", [p.id for p in scenario.packages]),
        ("channel", [c.id for c in scenario.channels]),
        ("lever", [lv.id for lv in scenario.levers]),
    ):
        if items:
            lost.append(f"{len(items)} {label}(s) ({ids(items)})")
    if scenario.veto_players is not None:
        lost.append(f"veto players ({ids(scenario.veto_players)})")
    for label, name in (("red line", "red_line"), ("no-deal point", "no_deal")):
        found = [f"{a}/{i}" for a, i, st in stances if getattr(st, name) is not None]
        if found:
            lost.append(f"{len(found)} {label}(s) ({ids(found)})")
    ranges = sum(
        est is not None and (est.low is not None or est.high is not None or est.dist is not None)
        for _, _, st in stances
        for est in (st.position, st.salience, st.capability, st.red_line, st.no_deal)
    ) + sum(a.capability.low is not None or a.capability.high is not None
            for a in scenario.actors)
    if ranges:
        lost.append(f"{ranges} uncertainty range(s)")
    without = [a.id for a in scenario.actors if not scenario.stances.get(a.id)]
    if without:
        lost.append(f"{len(without)} actor(s) without any stance ({ids(without)})")
    return lost


def _num(x: float) -> str:
    """Shortest text that reads back as the same float ('3' rather than '3.0')."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _text(s: str) -> str:
    """A text field: line breaks become spaces, NUL bytes are dropped (the reader refuses
    them); quoted if it needs to be."""
    s = " ".join(s.splitlines()) if ("\n" in s or "\r" in s) else s
    s = s.replace("\x00", "")
    if s and (";" in s or s[0] in _QUOTES or s != s.strip()):
        return '"' + s.replace('"', '""') + '"'
    return s


def _line(*fields: str) -> str:
    out = list(fields)
    while out and out[-1] == "":
        out.pop()
    return ";".join(out)


def dump_decide(scenario: Scenario) -> str:
    """Serialise a scenario as Decide CSV (``;``-separated; see the module docstring for what
    the format cannot hold and is dropped)."""
    rows = [_line("#O", _text(scenario.title))]
    for a in scenario.actors:
        rows.append(_line("#A", _text(a.id), _text(a.name), _text(a.notes or "")))
    for iss in scenario.issues:
        rows.append(_line("#P", _text(iss.id), _text(iss.title), _text(iss.description or "")))
        marks = {iss.scale.min: "", iss.scale.max: ""}
        marks.update(iss.points)
        for x in sorted(marks):
            rows.append(_line("#M", _text(iss.id), _num(x), _text(marks[x])))
    for a in scenario.actors:
        for iss in scenario.issues:
            st = scenario.stance(a.id, iss.id)
            if st is None:
                continue
            power = st.capability.value if st.capability is not None else a.capability.value
            rows.append(
                _line(
                    "#D",
                    _text(a.id),
                    _text(iss.id),
                    _num(st.position.value),
                    _num(st.salience.value),
                    _num(power),
                    _text(st.note or ""),
                )
            )
    return "\n".join(rows) + "\n"
