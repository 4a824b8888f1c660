"""The progress line (cli/_progress.py) on a fake clock and a string stream."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from mailoptout.cli._progress import Bar


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _bar(width: int = 200) -> tuple[Bar, io.StringIO, Clock]:
    stream, clock = io.StringIO(), Clock()
    bar = Bar("ncp register", stream=stream, clock=clock, interval=0.5, width=lambda: width)
    return bar, stream, clock


def _frames(stream: io.StringIO) -> list[str]:
    return [f.removesuffix("\x1b[K") for f in stream.getvalue().split("\r") if f.strip("\x1b[K")]


def test_total_rate_and_eta() -> None:
    """A stage with a total shows count/total and share; the rate and ETA follow the clock."""
    bar, stream, clock = _bar()
    clock.now += 10
    bar("sent", 1000, total=5000)
    (frame,) = _frames(stream)
    assert frame == "ncp register · sent 1,000/5,000 (20%) · 100/s · ETA 0:40 · 0:10"


def test_frames_are_throttled() -> None:
    """The first update draws at once; later ones at most once per interval; a phase at once."""
    bar, stream, clock = _bar()
    bar("sent", 1)
    bar("sent", 1)
    clock.now += 0.2
    bar("sent", 1)
    assert len(_frames(stream)) == 1
    clock.now += 0.4
    bar("sent", 1)
    assert len(_frames(stream)) == 2
    bar.phase("reading EngageLab 2010-01..2010-03")
    frames = _frames(stream)
    assert len(frames) == 3
    assert frames[-1].startswith("ncp register: reading EngageLab 2010-01..2010-03 · sent 4")
    bar("listed", 1)  # a new stage: drawn at once
    bar("listed", 1, total=10)  # a new total: at once
    bar("listed", 1, total=10)
    assert len(_frames(stream)) == 5


def test_leading_stage_is_the_one_with_a_total() -> None:
    """The rate and ETA are those of the first stage given a total; others are counts."""
    bar, stream, clock = _bar()
    clock.now += 2
    bar("listed", 300)
    bar.total("sent", 100)
    clock.now += 1
    bar("sent", 50)
    frame = _frames(stream)[-1]
    assert "listed 300 · sent 50/100 (50%) · 17/s · ETA 0:03" in frame


def test_without_total_no_eta() -> None:
    bar, stream, clock = _bar()
    clock.now += 4
    bar("listed", 200)
    (frame,) = _frames(stream)
    assert frame == "ncp register · listed 200 · 50/s · 0:04"


def test_clear_wipes_and_redraws_next_time() -> None:
    """clear() wipes the line; the next update draws again without waiting."""
    bar, stream, _ = _bar()
    bar("sent", 1)
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    bar("sent", 1)
    assert _frames(stream)[-1].startswith("ncp register · sent 2")


def test_disabled_bar_writes_nothing() -> None:
    bar = Bar("x", stream=None)
    bar("sent", 5, total=10)
    bar.phase("reading")
    bar.clear()
    assert bar.frame().startswith("x: reading · sent 5/10")


@given(
    width=st.integers(min_value=1, max_value=300),
    counts=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=4),
    words=st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=200),
)
def test_a_frame_never_wraps(width: int, counts: list[int], words: str) -> None:
    """Whatever the counts and words, a frame fits the terminal (cut visibly with …)."""
    bar, stream, clock = _bar(width)
    bar.phase(words)
    for i, count in enumerate(counts):
        clock.now += 1
        bar(f"stage{i}", count, total=count * 2 or None)
    room = max(width - 1, 10)
    frames = _frames(stream)
    assert all(len(frame) <= room for frame in frames)
    assert frames[-1].endswith("…") == (len(bar.frame()) > room)
