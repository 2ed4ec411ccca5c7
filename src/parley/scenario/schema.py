"""The scenario format: a validated description of one negotiation.

A scenario names the actors at the table, the issues on it (each a numeric scale with
labelled points), and for every actor and issue a *stance*: the actor's position, its salience
(how much it cares, 0-1), optionally a red line and a no-deal point (what it gets if talks
fail), and optionally an issue-specific capability. It may also name candidate outcome
*packages*, the *channels* (forums) in which talks happen, the *levers* actors can pull, and the
*veto players* whose consent a deal needs.

Every number may be written bare (``salience: 0.8``) or as an :class:`Estimate` carrying an
uncertainty range, a source and a note::

    salience: {value: 0.8, low: 0.6, high: 0.9, source: "quote from the article", note: "..."}

The pydantic models below are the single definition of the format: the YAML reader, the Decide
CSV reader and the documentation all follow them. Field descriptions double as the format's
reference (``parley.Scenario.model_json_schema()``).
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "Actor",
    "Change",
    "ChangeWhen",
    "Channel",
    "Estimate",
    "Game",
    "GameLeaf",
    "GameMove",
    "GameNode",
    "Issue",
    "Lever",
    "Package",
    "Scale",
    "Scenario",
    "SourceRef",
    "Stance",
]

Id = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^;\t\r\n]+$"
    ),
]
"""An identifier: any non-empty text without semicolons, tabs or line breaks."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _finite(v: float, what: str) -> float:
    if not math.isfinite(v):
        raise ValueError(f"{what} must be a finite number, got {v!r}")
    return v


class Estimate(_Strict):
    """A number with an optional uncertainty range and its provenance.

    Written bare (``0.8``) or as a mapping. ``low`` and ``high`` bound the plausible values
    (used by Monte Carlo analysis); ``source`` is the quote or reference the judgement rests on.
    """

    value: float = Field(description="The best estimate.")
    low: float | None = Field(None, description="Lowest plausible value (optional).")
    high: float | None = Field(None, description="Highest plausible value (optional).")
    source: str | None = Field(None, description="Quote or reference the judgement rests on.")
    note: str | None = Field(None, description="The modeller's reasoning.")
    dist: Literal["uniform", "triangular", "truncnormal"] | None = Field(
        None,
        description="How Monte Carlo analysis draws the number over [low, high]: 'uniform' "
        "(the default of `parley simulate`), 'triangular' (peaked at value), or 'truncnormal' "
        "(a normal with mean value and standard deviation sd, cut to [low, high]).",
    )
    sd: float | None = Field(
        None,
        gt=0,
        description="Standard deviation of a 'truncnormal' distribution (default: a quarter "
        "of high - low).",
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number, got a boolean")
        if isinstance(data, int | float | str):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _check_range(self) -> Estimate:
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low ({self.low:g}) is above value ({self.value:g})")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high ({self.high:g}) is below value ({self.value:g})")
        if self.sd is not None and self.dist != "truncnormal":
            raise ValueError(
                "sd is the spread of a truncnormal distribution: give dist: truncnormal"
            )
        return self

    def bounds(self) -> tuple[float, float]:
        """The (low, high) range, defaulting to the value itself where not given."""
        lo = self.value if self.low is None else self.low
        hi = self.value if self.high is None else self.high
        return lo, hi


class SourceRef(_Strict):
    """A source the scenario draws on. May be written as a bare string (its title)."""

    title: str = Field(description="Title or citation of the source.")
    id: str | None = Field(None, description="Short key to refer to the source.")
    url: str | None = Field(None, description="Where to find it.")
    date: str | None = Field(None, description="Publication date.")
    note: str | None = Field(None, description="Anything else worth knowing about it.")

    @model_validator(mode="before")
    @classmethod
    def _bare_string(cls, data: Any) -> Any:
        return {"title": data} if isinstance(data, str) else data


class Actor(_Strict):
    """A party to the negotiation."""

    id: Id = Field(description="Identifier used everywhere else in the file.")
    name: str = Field(description="Display name.")
    capability: Estimate = Field(
        description="Ability to move others (power, resources); any positive scale, normalised "
        "internally. Issue-specific values may be given in a stance."
    )
    notes: str | None = Field(None, description="Who this is and what the sources say of it.")
    source: str | None = Field(None, description="Quote or reference for the coding of the actor.")

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and "id" in data:
            data = {**data, "name": str(data["id"])}
        return data

    @field_validator("capability")
    @classmethod
    def _positive(cls, v: Estimate) -> Estimate:
        if v.value <= 0 or (v.low is not None and v.low <= 0):
            raise ValueError("capability must be positive")
        return v


class Scale(_Strict):
    """The numeric scale of an issue."""

    min: float = Field(0.0, description="Lower end of the scale.")
    max: float = Field(100.0, description="Upper end of the scale.")

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"scale min ({self.min:g}) must be below max ({self.max:g})")
        if not math.isfinite(self.max - self.min):
            raise ValueError(
                f"scale {self.min:g} to {self.max:g} is too wide: its width overflows a float"
            )
        return self


class Issue(_Strict):
    """A question on the table, as a numeric scale with labelled points."""

    id: Id = Field(description="Identifier used in stances and packages.")
    title: str = Field(description="Short title (defaults to the id).")
    description: str | None = Field(None, description="What is at stake.")
    scale: Scale = Field(default_factory=Scale, description="Numeric scale, 0-100 by default.")
    points: dict[float, str] = Field(
        default_factory=dict,
        description="Labelled points of the scale: what a position means, e.g. {0: 'none'}.",
    )
    source: str | None = Field(None, description="Quote or reference for the issue's coding.")
    note: str | None = Field(None, description="The modeller's reasoning.")

    @model_validator(mode="before")
    @classmethod
    def _default_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and "id" in data:
            data = {**data, "title": str(data["id"])}
        return data

    @model_validator(mode="after")
    def _points_on_scale(self) -> Issue:
        for p in self.points:
            _finite(p, "a labelled point")
            if not self.scale.min <= p <= self.scale.max:
                raise ValueError(
                    f"labelled point {p:g} lies outside the scale "
                    f"{self.scale.min:g}-{self.scale.max:g}"
                )
        return self


class Stance(_Strict):
    """One actor's stance on one issue."""

    position: Estimate = Field(description="The actor's preferred position on the issue scale.")
    salience: Estimate = Field(description="How much the actor cares about the issue, 0-1.")
    red_line: Estimate | None = Field(
        None,
        description="The least favourable position the actor would accept. Positions beyond it "
        "(on the far side from the actor's own position) are unacceptable.",
    )
    no_deal: Estimate | None = Field(
        None,
        description="Where the issue stands for this actor if talks fail (its BATNA on the issue).",
    )
    capability: Estimate | None = Field(
        None, description="Issue-specific capability, overriding the actor's."
    )
    source: str | None = Field(None, description="Quote or reference for the whole stance.")
    note: str | None = Field(None, description="The modeller's reasoning.")

    @field_validator("salience")
    @classmethod
    def _unit(cls, v: Estimate) -> Estimate:
        lo, hi = v.bounds()
        if lo < 0.0 or hi > 1.0:
            raise ValueError("salience must lie between 0 and 1")
        return v

    @field_validator("capability")
    @classmethod
    def _positive(cls, v: Estimate | None) -> Estimate | None:
        if v is not None and (v.value <= 0 or (v.low is not None and v.low <= 0)):
            raise ValueError("capability must be positive")
        return v


class Package(_Strict):
    """A named candidate outcome: a position on every issue."""

    id: Id = Field(description="Identifier of the package.")
    name: str = Field(description="Display name.")
    description: str | None = Field(None, description="What the deal would be.")
    positions: dict[str, float] = Field(description="Position on each issue, by issue id.")
    source: str | None = Field(None, description="Quote or reference for the package.")
    note: str | None = Field(None, description="The modeller's reasoning.")


class Channel(_Strict):
    """A forum in which (some of) the actors negotiate."""

    id: Id = Field(description="Identifier of the channel.")
    name: str = Field(description="Display name.")
    actors: list[str] = Field(description="Ids of the actors taking part (at least one).")
    description: str | None = Field(None, description="What the forum is.")
    source: str | None = Field(None, description="Quote or reference for the channel.")
    note: str | None = Field(None, description="The modeller's reasoning.")


ChangeField = Literal["position", "salience", "capability", "red_line", "no_deal", "outcome"]
ChangeWhen = Literal["always", "refuses", "accepts"]


class Change(_Strict):
    """One change a lever makes: set a field to a value, shift it or scale it.

    ``when`` says in which world the change holds: ``always`` (a what-if: the number changes,
    full stop), ``refuses`` (a threat: it holds only for the changed actor's payoff of refusing,
    its no-deal world) or ``accepts`` (a promise: only for its payoff of accepting a package).
    """

    actor: str = Field(description="Whose number changes.")
    field: ChangeField = Field(
        description="Which number changes. 'outcome' (with 'when: accepts' and 'set' only) is "
        "what the actor gets on the issue if it accepts, whatever the package says: a promise "
        "delivered outside the package, e.g. sanctions relief."
    )
    issue: str | None = Field(
        None, description="On which issue (omit for a change of the actor's capability)."
    )
    set: float | None = Field(None, description="The new value.")
    shift: float | None = Field(None, description="Amount added to the current value.")
    scale: float | None = Field(None, description="Factor the current value is multiplied by.")
    when: ChangeWhen = Field(
        "always",
        description="When the change holds: 'always' (unconditionally: a what-if), 'refuses' "
        "(only in the changed actor's payoff of refusing a proposal, i.e. its no-deal world: "
        "a threat) or 'accepts' (only in its payoff of accepting a package: a promise). "
        "Capability changes are always unconditional; no-deal changes cannot be 'accepts'.",
    )

    @model_validator(mode="after")
    def _one_action(self) -> Change:
        given = [k for k in ("set", "shift", "scale") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a change needs exactly one of 'set', 'shift' or 'scale'")
        if self.issue is None and self.field != "capability":
            raise ValueError(f"a change of '{self.field}' needs an 'issue'")
        for k in given:
            _finite(getattr(self, k), k)
        if self.scale is not None and self.scale < 0:
            raise ValueError(f"'scale' must be >= 0, got {self.scale:g}")
        if self.field == "capability" and self.when != "always":
            raise ValueError(
                "a capability change must be unconditional (when: always): utilities, and so "
                "the payoffs of refusing or accepting, do not depend on capability"
            )
        if self.field == "outcome" and (self.when != "accepts" or self.set is None):
            raise ValueError(
                "an 'outcome' change is a promise: it needs 'when: accepts' and 'set'"
            )
        if self.field == "no_deal" and self.when == "accepts":
            raise ValueError(
                "a no-deal change cannot be 'when: accepts': the no-deal point matters only "
                "to an actor who refuses (use 'refuses' or 'always')"
            )
        return self


class Lever(_Strict):
    """Something an actor can do that changes the numbers of the negotiation.

    Its ``changes`` may be unconditional (a what-if), threats (``when: refuses``) or promises
    (``when: accepts``); its ``cost`` is what carrying it out does to its own actor's numbers.
    """

    id: Id = Field(description="Identifier of the lever.")
    name: str = Field(description="Display name.")
    actor: str = Field(description="The actor who can pull the lever.")
    description: str | None = Field(None, description="What pulling it means.")
    changes: list[Change] = Field(min_length=1, description="What it changes.")
    cost: list[Change] = Field(
        default_factory=list,
        description="What carrying it out costs its own actor: changes to the lever actor's own "
        "numbers, with the same 'when' (e.g. 'refuses': borne in its no-deal world, when a "
        "threat is carried out). Used by 'parley levers' to judge credibility.",
    )
    packages: list[str] | None = Field(
        None,
        description="The packages whose refusal (threats) or acceptance (promises) the "
        "conditional changes are tied to, e.g. only the ceasefire deals; default: every "
        "package. Unconditional changes hold regardless.",
    )
    source: str | None = Field(None, description="Quote or reference for the lever.")
    note: str | None = Field(None, description="The modeller's reasoning.")

    @property
    def kind(self) -> str:
        """'threat', 'promise', 'threat and promise' or 'what-if', from the changes' ``when``."""
        whens = {c.when for c in self.changes}
        if {"refuses", "accepts"} <= whens:
            return "threat and promise"
        if "refuses" in whens:
            return "threat"
        if "accepts" in whens:
            return "promise"
        return "what-if"


CHANCE = "chance"
"""The ``player`` of a chance node (moves drawn with given probabilities)."""


class GameMove(_Strict):
    """One move at a node of the game: where it leads."""

    id: Id = Field(description="Identifier of the move (unique within its node).")
    name: str | None = Field(None, description="Display name.")
    to: Id = Field(description="Id of the node or leaf the move leads to.")
    probability: Estimate | None = Field(
        None,
        description="Chance nodes only: the probability of the move (the probabilities of a "
        "chance node's moves must sum to 1; drawn values are renormalised).",
    )
    source: str | None = Field(None, description="Quote or reference for the move.")
    note: str | None = Field(None, description="The modeller's reasoning.")

    @field_validator("probability")
    @classmethod
    def _unit(cls, v: Estimate | None) -> Estimate | None:
        if v is not None:
            lo, hi = v.bounds()
            if lo < 0.0 or hi > 1.0:
                raise ValueError("a probability must lie between 0 and 1")
        return v


class GameNode(_Strict):
    """A node of the game where an actor (or chance) chooses a move."""

    id: Id = Field(description="Identifier of the node (unique among nodes and leaves).")
    player: Id = Field(
        description="The actor who moves here, or `chance` for a chance node."
    )
    moves: list[GameMove] = Field(min_length=1, description="The moves open at this node.")
    source: str | None = Field(None, description="Quote or reference for the node.")
    note: str | None = Field(None, description="The modeller's reasoning.")


class GameLeaf(_Strict):
    """An end of the game: one of the scenario's packages (or no agreement), possibly with
    levers carried out."""

    id: Id = Field(description="Identifier of the leaf (unique among nodes and leaves).")
    name: str | None = Field(None, description="Display name.")
    package: str | None = Field(
        None,
        description="Id of the package the leaf leads to; omitted: no agreement (each actor "
        "gets its no-deal point on every issue).",
    )
    levers: list[str] = Field(
        default_factory=list,
        description="Ids of levers carried out at this leaf: all their changes apply to the "
        "numbers the payoffs are computed from. A lever removed from the game (`parley game "
        "--without`) removes every move leading to a leaf that carries it out.",
    )
    payoffs: dict[str, Estimate] = Field(
        default_factory=dict,
        description="Explicit payoffs by actor id, overriding the utility computed from the "
        "package (marked as overrides in the output).",
    )
    source: str | None = Field(None, description="Quote or reference for the leaf.")
    note: str | None = Field(None, description="The modeller's reasoning.")


class Game(_Strict):
    """A sequential game of the actors' moves (perfect information), played from ``root``.

    Payoffs at each leaf are the actors' utilities of the leaf's package
    (``parley.analysis.utility``), unless given explicitly.
    """

    root: Id = Field(description="Id of the node where play starts.")
    nodes: list[GameNode] = Field(min_length=1, description="Decision and chance nodes.")
    leaves: list[GameLeaf] = Field(min_length=1, description="Ends of the game.")
    description: str | None = Field(None, description="What the game represents.")
    source: str | None = Field(None, description="Quote or reference for the game.")
    note: str | None = Field(None, description="The modeller's reasoning.")


class Scenario(_Strict):
    """A negotiation: actors, issues, stances and what can be done about them."""

    title: str = Field(description="Title of the scenario.")
    date: datetime.date | str | None = Field(None, description="When the situation was coded.")
    description: str | None = Field(None, description="What the negotiation is about.")
    sources: list[SourceRef] = Field(default_factory=list, description="Sources drawn on.")
    actors: list[Actor] = Field(min_length=1, description="The parties.")
    issues: list[Issue] = Field(min_length=1, description="The questions on the table.")
    stances: dict[str, dict[str, Stance]] = Field(
        description="stances[actor_id][issue_id]: the actor's stance on the issue. An actor "
        "with no stance on an issue takes no part in it."
    )
    packages: list[Package] = Field(
        default_factory=list, description="Named candidate outcomes."
    )
    channels: list[Channel] = Field(
        default_factory=list, description="Forums in which talks happen."
    )
    levers: list[Lever] = Field(
        default_factory=list, description="What actors can do to change the numbers."
    )
    veto_players: list[str] | None = Field(
        None,
        description="Actors whose consent any deal needs. By default, those holding enough "
        "capability to block.",
    )
    game: Game | None = Field(
        None,
        description="A sequential game of the actors' moves, analysed by `parley game` "
        "(subgame-perfect and quantal response equilibria).",
    )
    notes: str | None = Field(None, description="Anything else a reader should know.")

    @model_validator(mode="after")
    def _capabilities_sum(self) -> Scenario:
        """Capabilities are normalised by their sum: it must be a finite number."""
        highs = [a.capability.bounds()[1] for a in self.actors] + [
            st.capability.bounds()[1]
            for per_issue in self.stances.values()
            for st in per_issue.values()
            if st.capability is not None
        ]
        if not math.isfinite(sum(highs)):
            raise ValueError(
                "actors: the capabilities sum to more than a float can hold; divide them all "
                "by a common factor (only their ratios matter)"
            )
        return self

    # -- cross-references -------------------------------------------------------------
    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        _no_duplicates("actors", [a.id for a in self.actors])
        _no_duplicates("issues", [i.id for i in self.issues])
        _no_duplicates("packages", [p.id for p in self.packages])
        _no_duplicates("channels", [c.id for c in self.channels])
        _no_duplicates("levers", [lv.id for lv in self.levers])
        actors = {a.id for a in self.actors}
        issues = {i.id: i for i in self.issues}

        for aid, per_issue in self.stances.items():
            _known(f"stances.{aid}", aid, actors, "actor")
            for iid, st in per_issue.items():
                _known(f"stances.{aid}.{iid}", iid, issues, "issue")
                sc = issues[iid].scale
                for name in ("position", "red_line", "no_deal"):
                    est = getattr(st, name)
                    if est is None:
                        continue
                    lo, hi = est.bounds()
                    if lo < sc.min or hi > sc.max:
                        raise ValueError(
                            f"stances.{aid}.{iid}.{name}: {est.value:g} (range {lo:g}-{hi:g}) "
                            f"lies outside the issue's scale {sc.min:g}-{sc.max:g}"
                        )
        for iid in issues:
            if not any(iid in per_issue for per_issue in self.stances.values()):
                raise ValueError(f"issues.{iid}: no actor has a stance on this issue")

        for k, pkg in enumerate(self.packages):
            missing = [i for i in issues if i not in pkg.positions]
            if missing:
                raise ValueError(
                    f"packages.{k}.positions: package '{pkg.id}' gives no position on "
                    f"{', '.join(missing)}"
                )
            for iid, v in pkg.positions.items():
                _known(f"packages.{k}.positions", iid, issues, "issue")
                _finite(v, f"packages.{k}.positions.{iid}")
                sc = issues[iid].scale
                if not sc.min <= v <= sc.max:
                    raise ValueError(
                        f"packages.{k}.positions.{iid}: {v:g} lies outside the issue's scale "
                        f"{sc.min:g}-{sc.max:g}"
                    )
        for k, ch in enumerate(self.channels):
            if not ch.actors:
                raise ValueError(f"channels.{k}.actors: a channel needs at least one actor")
            for aid in ch.actors:
                _known(f"channels.{k}.actors", aid, actors, "actor")
            _no_duplicates(f"channels.{k}.actors", ch.actors)
        for k, lv in enumerate(self.levers):
            _known(f"levers.{k}.actor", lv.actor, actors, "actor")
            for c, ch in enumerate(lv.changes):
                _check_change(f"levers.{k}.changes.{c}", ch, self, actors, issues)
            for pid in lv.packages or []:
                _known(f"levers.{k}.packages", pid, {p.id for p in self.packages}, "package")
            for c, ch in enumerate(lv.cost):
                where = f"levers.{k}.cost.{c}"
                if ch.actor != lv.actor:
                    raise ValueError(
                        f"{where}.actor: a cost falls on the lever's own actor "
                        f"'{lv.actor}', not on '{ch.actor}'"
                    )
                _check_change(where, ch, self, actors, issues)
        if self.veto_players is not None:
            if not self.veto_players:
                raise ValueError(
                    "veto_players: an empty list; name at least one actor, or leave the "
                    "field out (then every actor is a veto player)"
                )
            for aid in self.veto_players:
                _known("veto_players", aid, actors, "actor")
            _no_duplicates("veto_players", self.veto_players)
        if self.game is not None:
            _check_game(self.game, self)
        return self

    # -- convenience ------------------------------------------------------------------
    @property
    def actor_ids(self) -> list[str]:
        """Actor ids in file order."""
        return [a.id for a in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        """Issue ids in file order."""
        return [i.id for i in self.issues]

    def check_change(self, change: Change, where: str = "change") -> None:
        """Raise ``ValueError`` unless ``change`` names an actor (and stance) of this scenario
        and keeps its field within range; ``where`` prefixes the message."""
        _check_change(where, change, self, set(self.actor_ids), {i.id: i for i in self.issues})

    def stance(self, actor: str, issue: str) -> Stance | None:
        """The stance of ``actor`` on ``issue``, or None if it takes no part in it."""
        return self.stances.get(actor, {}).get(issue)


def _check_change(
    where: str, ch: Change, scenario: Scenario, actors: set[str], issues: dict[str, Issue]
) -> None:
    """The ids of a lever's change exist and its value stays within the field's range."""
    _known(f"{where}.actor", ch.actor, actors, "actor")
    if ch.issue is None:
        if ch.set is not None and ch.set <= 0:
            raise ValueError(f"{where}.set: capability must be positive, got {ch.set:g}")
        actor = next(a for a in scenario.actors if a.id == ch.actor)
        _check_result(where, ch, actor.capability.value, "capability", 0.0, math.inf)
        return
    _known(f"{where}.issue", ch.issue, issues, "issue")
    st = scenario.stance(ch.actor, ch.issue)
    if st is None:
        raise ValueError(f"{where}: actor '{ch.actor}' has no stance on issue '{ch.issue}'")
    if ch.field == "salience" and ch.set is not None and not 0.0 <= ch.set <= 1.0:
        raise ValueError(f"{where}.set: salience must lie between 0 and 1, got {ch.set:g}")
    if ch.field == "capability" and ch.set is not None and ch.set <= 0:
        raise ValueError(f"{where}.set: capability must be positive, got {ch.set:g}")
    if ch.field == "salience":
        _check_result(where, ch, st.salience.value, "salience", 0.0, 1.0, closed=True)
    if ch.field == "capability":
        cap = st.capability if st.capability is not None else next(
            a for a in scenario.actors if a.id == ch.actor
        ).capability
        _check_result(where, ch, cap.value, "capability", 0.0, math.inf)
    if ch.field in ("position", "red_line", "no_deal", "outcome"):
        sc = issues[ch.issue].scale
        if ch.set is not None and not sc.min <= ch.set <= sc.max:
            raise ValueError(
                f"{where}.set: {ch.set:g} lies outside the issue's scale {sc.min:g}-{sc.max:g}"
            )
        if ch.set is None and ch.field in ("red_line", "no_deal") and getattr(st, ch.field) is None:
            raise ValueError(
                f"{where}: actor '{ch.actor}' has no {ch.field} on issue '{ch.issue}' to "
                "shift or scale (use 'set')"
            )


def _check_result(
    where: str,
    ch: Change,
    current: float,
    name: str,
    low: float,
    high: float,
    closed: bool = False,
) -> None:
    """A shift or scale must keep ``name`` within its range (salience 0-1, capability > 0)."""
    if ch.shift is not None:
        new, how = current + ch.shift, f"shift {ch.shift:g}"
    elif ch.scale is not None:
        new, how = current * ch.scale, f"scale {ch.scale:g}"
    else:
        return
    ok = low <= new <= high if closed else low < new <= high
    if not ok:
        rng = f"between {low:g} and {high:g}" if high != math.inf else "positive"
        raise ValueError(
            f"{where}: {how} takes {name} from {current:g} to {new:g}; it must be {rng}"
        )


def _no_duplicates(where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for k, ident in enumerate(ids):
        if ident in seen:
            raise ValueError(f"{where}.{k}: duplicate id {ident!r}")
        seen.add(ident)


def _known(where: str, ref: str, known: Any, kind: str) -> None:
    if ref not in known:
        listed = ", ".join(sorted(known))
        raise ValueError(f"{where}: unknown {kind} {ref!r} (known: {listed})")


def _check_game(game: Game, scenario: Scenario) -> None:
    """References of the game: ids, players, packages, levers, chance probabilities, and
    that the nodes form a tree reached from the root."""
    ids = [n.id for n in game.nodes] + [lf.id for lf in game.leaves]
    _no_duplicates("game.nodes and game.leaves", ids)
    nodes = {n.id: n for n in game.nodes}
    _known("game.root", game.root, nodes, "node")
    actors = set(scenario.actor_ids) | {CHANCE}
    packages = {p.id for p in scenario.packages}
    levers = {lv.id for lv in scenario.levers}
    actor_ids = set(scenario.actor_ids)
    for k, node in enumerate(game.nodes):
        where = f"game.nodes.{k}"
        _known(f"{where}.player", node.player, actors, "actor (or 'chance')")
        _no_duplicates(f"{where}.moves", [mv.id for mv in node.moves])
        for j, mv in enumerate(node.moves):
            _known(f"{where}.moves.{j}.to", mv.to, set(ids), "node or leaf")
            chance = node.player == CHANCE
            if chance and mv.probability is None:
                raise ValueError(f"{where}.moves.{j}: a chance move needs a 'probability'")
            if not chance and mv.probability is not None:
                raise ValueError(
                    f"{where}.moves.{j}: only a chance node's moves have a 'probability'"
                )
        if node.player == CHANCE:
            total = sum(mv.probability.value for mv in node.moves if mv.probability)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"{where}: the moves' probabilities sum to {total:g}, not 1")
    for k, leaf in enumerate(game.leaves):
        where = f"game.leaves.{k}"
        if leaf.package is not None:
            _known(f"{where}.package", leaf.package, packages, "package")
        for lid in leaf.levers:
            _known(f"{where}.levers", lid, levers, "lever")
        for aid in leaf.payoffs:
            _known(f"{where}.payoffs", aid, actor_ids, "actor")
    _check_tree(game, nodes, ids)


def _check_tree(game: Game, nodes: dict[str, GameNode], ids: list[str]) -> None:
    """Every node and leaf is reached exactly once from the root (a tree: no cycles, no
    shared subtrees, nothing unreachable)."""
    reached = {game.root: "game.root"}
    stack = [game.root]
    while stack:
        node = nodes[stack.pop()]
        for mv in node.moves:
            if mv.to in reached:
                raise ValueError(
                    f"game: '{mv.to}' is reached twice (from {reached[mv.to]} and from "
                    f"node '{node.id}', move '{mv.id}'); the game must be a tree"
                )
            reached[mv.to] = f"node '{node.id}', move '{mv.id}'"
            if mv.to in nodes:
                stack.append(mv.to)
    missing = [i for i in ids if i not in reached]
    if missing:
        raise ValueError(f"game: not reachable from the root: {', '.join(missing)}")
