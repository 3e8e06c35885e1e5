"""The results page's bar charts: what a reader sees of each share, a hidden one in grey, and the
same drawing whichever way the rows are handed over (the page hands plain values to ``bars_of``)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from archives import charts


def rects(svg: str) -> list[tuple[str, str]]:
    """(width, fill) of every bar segment drawn (the legend's 12-wide squares left out)."""
    return [
        (w, fill)
        for w, fill in re.findall(r'<rect x="[^"]*" y="[^"]*" width="([^"]*)" height="22" fill="([^"]*)"', svg)
    ]


def test_completion_bars_show_each_share_and_grey_out_a_hidden_one() -> None:
    svg = charts.completion_bars("Answered <by class>", [("七年级（1）班", 0.75, "3/4"), ("<b>二班</b>", None, "*/*")])
    # The hidden row: all grey, and outlined as a bar with nothing shown.
    assert rects(svg) == [("315.0", "#0d6efd"), ("105.0", "#e9ecef"), ("420.0", charts.HIDDEN_FILL), ("420", "none")]
    assert "&lt;b&gt;二班&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'aria-label="Answered &lt;by class&gt;"' in svg
    assert ">3/4</text>" in svg


def test_bars_of_draws_what_stacked_bars_draws() -> None:
    rows = [
        charts.BarRow(
            "一班",
            [charts.Segment(0.5, "#2e7d32"), charts.Segment(0.25, "#fbc02d"), charts.Segment(None, "#e53935")],
            "12",
        ),
        charts.BarRow("二班", [charts.Segment(None, "#2e7d32"), charts.Segment(None, "#fbc02d")], "*"),
    ]
    legend = [("轻", "#2e7d32"), ("中", "#fbc02d")]
    plain = tuple(
        (row.label, tuple((segment.share, segment.colour) for segment in row.segments), row.note) for row in rows
    )
    drawn = charts.bars_of("PHQ-9", plain, legend)
    assert drawn == charts.stacked_bars("PHQ-9", rows, legend)
    # The first row: its two shown shares, then the hidden rest in grey; the second: all grey, outlined.
    assert rects(drawn)[:3] == [("210.0", "#2e7d32"), ("105.0", "#fbc02d"), ("105.0", charts.HIDDEN_FILL)]
    assert 'width="420" height="22" fill="none" stroke="#bdbdbd"' in drawn


@pytest.mark.django_db
def test_a_leader_sees_the_small_class_greyed_out_and_a_counselor_sees_every_bar(
    results_screening,
    leader,
    counselor,
    client_for,
) -> None:
    address = reverse("archives:screening_results", args=[results_screening.pk])
    with override("zh-hans"):
        hidden_legend = gettext("Hidden (*)")
    suppressed = client_for(leader).get(address).content.decode()
    exact = client_for(counselor).get(address).content.decode()
    # The other class's one student did not answer: hidden for a leader (a count under 5); for a
    # counselor an empty bar, outlined, not a grey "hidden" one, and no "hidden" in the legend.
    assert f'fill="{charts.HIDDEN_FILL}"' in suppressed and hidden_legend in suppressed
    assert f'fill="{charts.HIDDEN_FILL}"' not in exact and hidden_legend not in exact
    assert f'width="420" height="22" fill="none" stroke="{charts.HIDDEN_FILL}"' in exact
    # 13 answers in the first class, 7 of them minimal: 7/13 of the 420-wide bar, in the lowest band's green.
    assert ("226.2", charts.PALETTE[0]) in rects(exact)
