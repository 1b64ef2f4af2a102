"""When a CCPM exercise is due, and warnings for one that runs late.

The rules, as the global clusters state them:

- the first CCPM after a new or sudden-onset emergency is due 3 to 6 months
  after the onset, and yearly after that;
- a protracted crisis runs one every year;
- a confirmed weakening of the core functions calls for an earlier one, for
  example when several functions are rated weak, or one function is rated
  weak in two exercises in a row;
- a whole exercise usually takes 4 to 8 weeks, and the survey window about
  2 weeks.

The guidance says "earlier" without giving an interval, so how soon a
weakening makes the next exercise due, and how early the yearly window opens,
are settings of :class:`TimingPolicy`. Every function takes the date it
judges by, so the results do not depend on the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum

import attrs

from ccpm_core.exercise import Exercise, Stage, Trigger, TriggerKind
from ccpm_core.results_summary import LevelSummary

__all__ = [
    "DEFAULT_POLICY",
    "DueState",
    "DueStatus",
    "DueWindow",
    "TimingPolicy",
    "Weakening",
    "add_months",
    "annual_window",
    "detect_weakening",
    "exercise_due",
    "exercise_warnings",
    "first_exercise_window",
    "next_exercise_due",
    "trigger_window",
    "weakening_window",
]


@attrs.frozen
class TimingPolicy:
    """The intervals the timing rules use."""

    first_window_months: tuple[int, int] = (3, 6)
    """Months after the onset of a new emergency between which the first CCPM is due."""
    interval_months: int = 12
    """Months between two CCPMs of the same cluster and level."""
    annual_lead_months: int = 2
    """Months before the yearly due date at which the next exercise should start."""
    weakening_due_months: int = 3
    """Months after a confirmed weakening by which an earlier CCPM is due (not set by guidance)."""
    several_weak_functions: int = 2
    """Number of functions rated weak in one set of results that confirms a weakening."""
    usual_duration: dt.timedelta = dt.timedelta(weeks=8)
    """Maximum usual time from the start of planning to the final report and action plan."""
    survey_window: dt.timedelta = dt.timedelta(weeks=2)
    """Usual survey window, used when no planned close date is given."""


DEFAULT_POLICY = TimingPolicy()


class DueState(enum.StrEnum):
    """State of an exercise against its due date."""

    NOT_YET_DUE = "not_yet_due"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    """The final report and action plan were adopted."""
    CLOSED_EARLY = "closed_early"
    """The exercise was closed before the final report and action plan."""


@attrs.frozen
class DueWindow:
    """The dates between which an exercise should be carried out, and why."""

    opens: dt.date
    due: dt.date
    """The date by which the final report and action plan should be adopted."""
    reason: str


@attrs.frozen
class DueStatus:
    """An exercise's window and its state on the day judged."""

    window: DueWindow
    state: DueState
    as_of: dt.date
    completed_on: dt.date | None = None

    @property
    def days_left(self) -> int:
        """Days from ``as_of`` to the due date; negative once the date has passed."""
        return (self.window.due - self.as_of).days

    @property
    def days_late(self) -> int:
        """Days by which the exercise was completed after its due date, or 0."""
        if self.completed_on is None:
            return 0
        return max(0, (self.completed_on - self.window.due).days)


@attrs.frozen
class Weakening:
    """Evidence from results that the core functions have weakened."""

    confirmed_on: dt.date
    weak_functions: tuple[str, ...]
    """Functions rated weak in the latest results."""
    weak_twice: tuple[str, ...]
    """Functions rated weak in the latest and in the previous results."""

    def describe(self) -> str:
        """Return the evidence as a sentence part."""
        parts = []
        if self.weak_functions:
            parts.append(f"functions {', '.join(self.weak_functions)} rated weak")
        if self.weak_twice:
            parts.append(
                f"functions {', '.join(self.weak_twice)} rated weak in two exercises in a row"
            )
        return "; ".join(parts)


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later, or the month's last day when it is shorter.

    For example 31 August plus 6 months is 28 February (29 in a leap year).
    """
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def first_exercise_window(onset: dt.date, policy: TimingPolicy = DEFAULT_POLICY) -> DueWindow:
    """Return the window of the first CCPM after a new emergency with this onset."""
    earliest, latest = policy.first_window_months
    return DueWindow(
        opens=add_months(onset, earliest),
        due=add_months(onset, latest),
        reason=f"first CCPM {earliest} to {latest} months after the onset on {onset}",
    )


def annual_window(last_end: dt.date, policy: TimingPolicy = DEFAULT_POLICY) -> DueWindow:
    """Return the window of the yearly CCPM after one that ended on ``last_end``."""
    due = add_months(last_end, policy.interval_months)
    return DueWindow(
        opens=add_months(due, -policy.annual_lead_months),
        due=due,
        reason=(
            f"yearly CCPM, {policy.interval_months} months after the last one ended on {last_end}"
        ),
    )


def weakening_window(confirmed_on: dt.date, policy: TimingPolicy = DEFAULT_POLICY) -> DueWindow:
    """Return the window of an earlier CCPM called for by a weakening confirmed on that day."""
    return DueWindow(
        opens=confirmed_on,
        due=add_months(confirmed_on, policy.weakening_due_months),
        reason=(
            f"earlier CCPM within {policy.weakening_due_months} months of the weakening "
            f"of core functions confirmed on {confirmed_on}"
        ),
    )


def trigger_window(
    trigger: Trigger, created_on: dt.date, policy: TimingPolicy = DEFAULT_POLICY
) -> DueWindow:
    """Return the window that an exercise's trigger sets.

    A protracted crisis with no earlier CCPM is due at once: the window opens
    on the day the exercise was created and ends one usual duration later.
    """
    if trigger.kind is TriggerKind.NEW_EMERGENCY:
        assert trigger.since is not None
        return first_exercise_window(trigger.since, policy)
    if trigger.kind is TriggerKind.CONFIRMED_WEAKENING:
        assert trigger.since is not None
        return weakening_window(trigger.since, policy)
    if trigger.since is not None:
        return annual_window(trigger.since, policy)
    return DueWindow(
        opens=created_on,
        due=created_on + policy.usual_duration,
        reason="first CCPM of a protracted crisis, due as soon as it can be run",
    )


def exercise_due(
    exercise: Exercise, as_of: dt.date, policy: TimingPolicy = DEFAULT_POLICY
) -> DueStatus:
    """Judge an exercise against the window its trigger sets, on the day ``as_of``."""
    window = trigger_window(exercise.trigger, exercise.created_at.date(), policy)
    completed = exercise.completed_at
    if completed is not None:
        return DueStatus(window, DueState.DONE, as_of, completed_on=completed.date())
    if exercise.stage is Stage.CLOSED:
        return DueStatus(window, DueState.CLOSED_EARLY, as_of)
    return DueStatus(window, _state_on(window, as_of), as_of)


def next_exercise_due(
    latest: Exercise,
    as_of: dt.date,
    weakening: Weakening | None = None,
    policy: TimingPolicy = DEFAULT_POLICY,
) -> DueStatus | None:
    """Judge when the exercise after ``latest`` is due, or return None while ``latest`` runs.

    The next one is due a year after ``latest`` was completed, or earlier when
    a weakening was confirmed: the earlier of the two due dates applies. An
    exercise closed early leaves the next one due at once.
    """
    completed = latest.completed_at
    if completed is None and latest.stage is not Stage.CLOSED:
        return None

    if completed is None:
        closed = latest.closed_at
        assert closed is not None
        window = DueWindow(
            opens=closed.date(),
            due=closed.date() + policy.usual_duration,
            reason=f"the last exercise was closed early on {closed.date()}",
        )
    else:
        window = annual_window(completed.date(), policy)

    if weakening is not None:
        earlier = weakening_window(weakening.confirmed_on, policy)
        if earlier.due < window.due:
            window = attrs.evolve(earlier, reason=f"{earlier.reason}: {weakening.describe()}")
    return DueStatus(window, _state_on(window, as_of), as_of)


def _state_on(window: DueWindow, as_of: dt.date) -> DueState:
    if as_of < window.opens:
        return DueState.NOT_YET_DUE
    if as_of <= window.due:
        return DueState.DUE
    return DueState.OVERDUE


def detect_weakening(
    latest: LevelSummary,
    latest_on: dt.date,
    previous: LevelSummary | None = None,
    policy: TimingPolicy = DEFAULT_POLICY,
) -> Weakening | None:
    """Return the evidence of weakening in ``latest`` (dated ``latest_on``), or None.

    Weakening is confirmed when at least ``policy.several_weak_functions``
    functions are rated weak, or when a function is rated weak in both
    ``latest`` and ``previous``, the results of the exercise before.
    """
    weak = latest.weak_functions()
    weak_before = set(previous.weak_functions()) if previous is not None else set()
    weak_twice = tuple(number for number in weak if number in weak_before)

    if len(weak) < policy.several_weak_functions and not weak_twice:
        return None
    several = weak if len(weak) >= policy.several_weak_functions else ()
    return Weakening(confirmed_on=latest_on, weak_functions=several, weak_twice=weak_twice)


def exercise_warnings(
    exercise: Exercise, as_of: dt.date, policy: TimingPolicy = DEFAULT_POLICY
) -> tuple[str, ...]:
    """Return warnings for an exercise that runs late on the day ``as_of``.

    Warns when the exercise has run longer than the usual duration without its
    final report. Warns when the survey stays open past its planned close, or
    past the usual window when no close date was planned. Warns when the
    survey has not opened by its planned opening date.
    """
    if exercise.stage in (Stage.FOLLOW_UP, Stage.CLOSED):
        return ()

    warnings: list[str] = []
    name = f"exercise {exercise.id}" if exercise.id is not None else "the exercise"
    started = exercise.created_at.date()
    running = as_of - started
    if running > policy.usual_duration:
        warnings.append(
            f"{name} has run for {running.days // 7} weeks since {started}, longer than the "
            f"usual {policy.usual_duration.days // 7} weeks, and has no final report yet"
        )

    planned = exercise.schedule
    opened = exercise.survey_opened_at
    if exercise.stage is Stage.SURVEY and opened is not None:
        close = planned.survey_close or opened.date() + policy.survey_window
        basis = "planned" if planned.survey_close else "usual"
        if as_of > close:
            warnings.append(
                f"the survey of {name} is still open {(as_of - close).days} days after its "
                f"{basis} close on {close}; close it or record a new planned close date"
            )
    if exercise.stage is Stage.PLANNING and planned.survey_open and as_of > planned.survey_open:
        warnings.append(
            f"the survey of {name} was planned to open on {planned.survey_open} and is not open yet"
        )
    return tuple(warnings)
