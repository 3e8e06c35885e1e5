"""Results per screening: aggregates with small-cell suppression for leaders and administrators,
exact figures for counselors, and a query count independent of the number of answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives.models import Invitation
from archives.services.aggregates import HIDDEN, screening_figures, suppress, suppress_row
from archives.tests.factories import answer_all
from counseling.tests.disclosure_check import from_sheet, violations
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "shown"), [(0, HIDDEN), (1, HIDDEN), (4, HIDDEN), (5, 5), (37, 37)])
def test_suppress_hides_every_group_under_five(count: int, shown) -> None:
    assert suppress(count) == shown
    assert suppress(count, exact=True) == count


def test_suppress_row_hides_a_second_cell_when_only_one_is_small() -> None:
    row = {"minimal": 20, "mild": 9, "moderate": 6, "moderately_severe": 7, "severe": 2}
    assert suppress_row(row) == {
        "minimal": 20,
        "mild": 9,
        "moderate": HIDDEN,
        "moderately_severe": 7,
        "severe": HIDDEN,
    }


def test_suppress_row_hides_enough_around_several_small_cells() -> None:
    # Four hidden cells adding up to 2 would each be pinned to 0..2: the smallest shown one goes too.
    row = {"minimal": 28, "mild": 2, "moderate": 0, "moderately_severe": 0, "severe": 0}
    assert suppress_row(row) == {
        "minimal": HIDDEN,
        "mild": HIDDEN,
        "moderate": HIDDEN,
        "moderately_severe": HIDDEN,
        "severe": HIDDEN,
    }
    assert suppress_row({"a": 5, "b": 6}) == {"a": 5, "b": 6}
    assert suppress_row(row, exact=True) == row


def test_figures_for_counselors_are_exact(results_screening, school_class) -> None:
    figures = screening_figures(results_screening, exact=True)
    phq = figures.instruments[0]
    assert phq.instrument.code == "phq9"
    school = phq.school
    assert school.counts == {"minimal": 7, "mild": 5, "moderate": 0, "moderately_severe": 0, "severe": 1}
    assert figures.completion_school.invited == 14
    assert figures.completion_school.answered == 13


def test_figures_for_leaders_are_suppressed(results_screening) -> None:
    figures = screening_figures(results_screening, exact=False)
    school = figures.instruments[0].school
    # Mild (5) goes too: the three small bands alone would add up to exactly 1.
    assert school.counts == {
        "minimal": 7,
        "mild": HIDDEN,
        "moderate": HIDDEN,
        "moderately_severe": HIDDEN,
        "severe": HIDDEN,
    }
    assert school.total == 13
    other_class_row = figures.instruments[0].classes[1]
    assert other_class_row.total == HIDDEN
    assert set(other_class_row.counts.values()) == {HIDDEN}
    assert set(other_class_row.shares.values()) == {None}  # no bar either
    small_completion = figures.completion_classes[1]
    assert (small_completion.answered, small_completion.invited, small_completion.share) == (HIDDEN, HIDDEN, None)
    assert figures.critical == HIDDEN  # the 25 answered item 9 with 1


def test_leader_sees_aggregates_only(results_screening, leader, administrator, client_for) -> None:
    for user in (leader, administrator):
        response = client_for(user).get(reverse("archives:screening_results", args=[results_screening.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert f"<td>{HIDDEN}</td>" in page
        assert 'data-testid="suppression-note"' in page
        for invitation in Invitation.objects.filter(screening=results_screening).select_related("student"):
            assert invitation.student.get_full_name() not in page
        assert "<svg" in page and "<script" not in page.split("</main>")[0]
        assert 'style="' not in page


def test_counselor_sees_exact_figures(results_screening, counselor, client_for) -> None:
    page = (
        client_for(counselor).get(reverse("archives:screening_results", args=[results_screening.pk])).content.decode()
    )
    assert 'data-testid="suppression-note"' not in page
    assert "<td>7</td>" in page


def test_students_and_teachers_cannot_see_results(results_screening, student, class_teacher, client_for) -> None:
    for user in (student, class_teacher):
        assert (
            client_for(user).get(reverse("archives:screening_results", args=[results_screening.pk])).status_code == 403
        )


def test_results_page_query_count_does_not_grow_with_answers(
    phq9, gad7, school_class, other_class, student, other_student, counselor, client_for
) -> None:
    from archives.tests.factories import published

    pupils = [make_student(f"q{n}", school_class, student_number=f"2027{n:04d}") for n in range(30)]
    one = published([phq9, gad7], [school_class], by=counselor, title="一人")
    answer_all(one, [3])
    many = published([phq9, gad7], [school_class, other_class], by=counselor, title="多人")
    answer_all(many, [n % 28 for n in range(len(pupils) + 2)])
    client = client_for(counselor)
    client.get(reverse("archives:screening_results", args=[one.pk]))  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("archives:screening_results", args=[one.pk])).status_code == 200
    with CaptureQueriesContext(connection) as lots:
        assert client.get(reverse("archives:screening_results", args=[many.pk])).status_code == 200
    assert len(few) == len(lots)


def test_results_index_lists_published_screenings(results_screening, leader, client_for) -> None:
    page = client_for(leader).get(reverse("archives:results_index")).content.decode()
    assert "期中普查" in page


def test_a_hidden_class_is_not_the_grade_minus_the_shown_classes(
    phq9, gad7, school_class, other_class, screening_students, student, other_student, counselor
) -> None:
    """Reviewer: the grade's total minus the classes shown gave back the hidden class."""
    from archives.tests.factories import published

    assert school_class.grade_id == other_class.grade_id
    screening = published([phq9, gad7], [school_class, other_class], by=counselor, title="复查")
    # Twelve answers in the first class, one in the other.
    answer_all(screening, [0] * 12 + [3])
    figures = screening_figures(screening, exact=False)
    grade, (big, small) = figures.completion_grades[0], figures.completion_classes
    assert small.answered == HIDDEN
    # The grade and the big class are not both shown: one of them is hidden with the small class.
    assert HIDDEN in (grade.answered, big.answered)
    assert violations(from_sheet(figures.shown, figures.sheet)) == []
    phq = figures.instruments[0]
    assert HIDDEN in (phq.grades[0].total, phq.classes[0].total)


def test_every_figure_of_the_results_page_passes_the_checker(results_screening) -> None:
    figures = screening_figures(results_screening, exact=False)
    assert violations(from_sheet(figures.shown, figures.sheet)) == []
    assert all(value == HIDDEN or value >= 5 for value in figures.shown.values() if not isinstance(value, float))


def test_a_class_with_results_and_no_invitation_has_its_row(results_screening, school_class, grade) -> None:
    """A student moved to a class the screening did not invite: their result keeps that class, which
    has a band row of its own (and, not invited, no completion row)."""
    from archives.models import Result
    from counseling.models import SchoolClass

    moved_to = SchoolClass.objects.create(grade=grade, number=9, entry_year=school_class.entry_year)
    Result.objects.filter(screening=results_screening, school_class=school_class, total=25).update(
        school_class=moved_to
    )
    with CaptureQueriesContext(connection) as queries:
        figures = screening_figures(results_screening, exact=True)
    assert len(queries) == 5
    phq = figures.instruments[0]
    row = next(row for row in phq.classes if row.label == SchoolClass.label(grade.name, 9))
    assert (row.counts["severe"], row.total) == (1, 1)
    assert phq.school.total == 13  # still counted in the whole screening
    # Not invited: the completion table has no row for it.
    assert SchoolClass.label(grade.name, 9) not in [row.label for row in figures.completion_classes]


def test_the_counts_are_zero_without_critical_answers_or_warnings(results_screening) -> None:
    from archives.models import Result, ScreeningWarning

    ScreeningWarning.objects.filter(screening=results_screening).delete()
    Result.objects.filter(screening=results_screening).update(is_critical=False)
    with CaptureQueriesContext(connection) as queries:
        figures = screening_figures(results_screening, exact=True)
    assert len(queries) == 5
    assert (figures.critical, figures.warnings) == (0, 0)
