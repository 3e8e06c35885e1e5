"""Retention: periods per kind, the dry run, the real run with an audit entry per record, past numbers kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from counseling.celery import app as celery_app
from counseling.models import AuditEntry, Term
from counseling.models.audit import AuditAction, ImmutableError, retention_pruning
from counseling.models.consent import ConsentRecord
from counseling.reports.models import SemesterReport
from counseling.reports.services import collect
from counseling.schoolyear.enums import RunStatus
from counseling.schoolyear.models import RetentionPolicy, RetentionRun, YearRollover
from counseling.schoolyear.services import retention
from counseling.schoolyear.tasks import apply_retention as retention_task
from counseling.schoolyear.tests.factories import ConsentRecordFactory
from counseling.services.audit import find_breaks, record

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def sealed_old_entries(head, student):
    """Three six-year-old entries, properly chained, then two recent ones."""
    from counseling.services.audit import GENESIS

    prev = GENESIS
    old = []
    for day in range(3):
        entry = AuditEntry(
            created_at=NOW - datetime.timedelta(days=6 * 365 - day),
            actor=head,
            actor_name=head.get_username(),
            action=AuditAction.VIEW,
            object_type="counseling.user",
            object_id=str(student.pk),
            student_id=student.pk,
            detail="archive",
            prev_hash=prev,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        prev = entry.hash
        old.append(entry)
    recent = [record(head, AuditAction.VIEW, student, student_id=student.pk) for _ in range(2)]
    return old, recent


@pytest.mark.django_db
def test_the_dry_run_lists_what_would_go_and_changes_nothing(sealed_old_entries, capsys) -> None:
    old, recent = sealed_old_entries
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "[counseling.audit_entry]：3 条将被删除" in out
    for entry in old:
        assert f"#{entry.pk} {entry.created_at:%Y-%m-%d} view counseling.user" in out
    assert f"#{recent[0].pk} " not in out
    assert "试运行：共 3 条记录将被移除。未做任何更改。" in out
    assert AuditEntry.objects.count() == 5
    assert not RetentionRun.objects.exists()


@pytest.mark.django_db
def test_the_real_run_deletes_with_an_audit_entry_each_and_the_chain_still_verifies(sealed_old_entries, capsys) -> None:
    old, recent = sealed_old_entries
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "审计日志 [counseling.audit_entry]：删除 3 条" in out
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    removals = AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="counseling.auditentry").order_by("id")
    assert [r.object_id for r in removals] == [str(e.pk) for e in old]
    assert all(
        r.actor_name == "system" and r.detail.endswith(f"hash {e.hash}") for r, e in zip(removals, old, strict=True)
    )
    assert list(find_breaks()) == []
    run = RetentionRun.objects.get()
    assert (run.status, run.trigger, run.counts) == (
        RunStatus.DONE,
        "command",
        {"counseling.audit_entry": {"deleted": 3}},
    )
    # Nothing left to do: a second run removes nothing.
    call_command("apply_retention")
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="counseling.auditentry").count() == 3


@pytest.mark.django_db
def test_a_later_run_keeps_the_chain_verifiable(sealed_old_entries) -> None:
    """Removing the removals themselves years later still leaves a chain that verifies."""
    retention.apply(trigger="test", now=NOW)
    assert list(find_breaks()) == []
    later = timezone.now() + datetime.timedelta(days=61 * 31)
    run = retention.apply(trigger="test", now=later)
    assert run.counts["counseling.audit_entry"]["deleted"] >= 5
    assert list(find_breaks()) == []


@pytest.mark.django_db
def test_an_old_entry_after_a_recent_one_is_kept(head, student) -> None:
    """Only an unbroken run from the start of the chain goes, so the chain is never cut in the middle."""
    recent = record(head, AuditAction.VIEW, student)
    late = record(head, AuditAction.VIEW, student)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE counseling_auditentry SET created_at = %s WHERE id = %s",
            [NOW - datetime.timedelta(days=3000), late.pk],
        )
    assert [item.count for item in retention.status(NOW) if item.key == "counseling.audit_entry"] == [0]
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_audit_entries_cannot_be_pruned_outside_retention(head, student) -> None:
    entry = record(head, AuditAction.VIEW, student)
    with pytest.raises(ImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).prune()
    with retention_pruning(), pytest.raises(ImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_graduates_consent_goes_after_its_period(student, head, term) -> None:
    profile = student.student_profile
    profile.is_archived = True
    profile.save(update_fields=["is_archived"])
    school_class = profile.school_class
    school_class.is_archived = True
    school_class.save(update_fields=["is_archived"])
    rollover = YearRollover.objects.create(
        school_year=2022, term=term, applied_at=timezone.make_aware(datetime.datetime(2022, 8, 25))
    )
    rollover.classes.create(school_class=school_class, from_grade=school_class.grade, to_grade=None, students=1)
    kept = ConsentRecordFactory(student=student, dated=datetime.date(2021, 9, 1))
    statuses = {item.key: item for item in retention.status(NOW)}
    assert statuses["schoolyear.consent"].count == 1  # 36 months after 2022-08-25 is before NOW
    RetentionPolicy.objects.create(kind="schoolyear.consent", months=60)
    assert {item.key: item for item in retention.status(NOW)}["schoolyear.consent"].count == 0
    RetentionPolicy.objects.filter(kind="schoolyear.consent").update(months=24)
    retention.apply(trigger="test", by=head, now=NOW)
    assert not ConsentRecord.objects.filter(pk=kept.pk).exists()
    removal = AuditEntry.objects.get(
        object_type="counseling.consentrecord", object_id=str(kept.pk), action=AuditAction.DELETE
    )
    assert (removal.actor, removal.student_id) == (head, student.pk)
    assert removal.detail == "retention schoolyear.consent 24m"


@pytest.mark.django_db
def test_past_term_numbers_do_not_change(sealed_old_entries, term) -> None:
    past = Term.objects.create(
        name="last spring",
        school_year=term.school_year - 1,
        semester=2,
        start=datetime.date(term.school_year, 2, 20),
        end=datetime.date(term.school_year, 7, 10),
        is_current=False,
    )
    before = collect(past)
    retention.apply(trigger="test")
    # The run stored a report for the ended term before removing anything, and its numbers hold.
    stored = SemesterReport.objects.get(term=past)
    assert stored.data["current"] == before["current"]
    assert collect(past)["current"] == before["current"]


@pytest.mark.django_db
def test_the_head_counselor_sets_the_periods(client_for, head, sealed_old_entries) -> None:
    client = client_for(head)
    page = client.get(reverse("schoolyear:retention")).content.decode()
    assert "审计日志" in page or "Audit entries" in page
    data = {key: str(months or "") for key, months in retention.periods().items()}
    data.update({"counseling.audit_entry": "", "schoolyear.consent": "48"})
    response = client.post(reverse("schoolyear:retention"), data)
    assert response.status_code == 302
    assert dict(RetentionPolicy.objects.values_list("kind", "months")) == {
        "counseling.audit_entry": None,
        "schoolyear.consent": 48,
    }
    assert [item.count for item in retention.status() if item.key == "counseling.audit_entry"] == [0]
    assert AuditEntry.objects.filter(object_type="schoolyear.retentionpolicy", actor=head).count() == 2


@pytest.mark.django_db
def test_a_period_out_of_range_is_refused(client_for, head) -> None:
    response = client_for(head).post(
        reverse("schoolyear:retention"), {"counseling.audit_entry": "0", "schoolyear.consent": "abc"}
    )
    assert response.status_code == 400
    assert not RetentionPolicy.objects.exists()


@pytest.mark.django_db
def test_the_dry_run_page_shows_the_same_list(client_for, head, sealed_old_entries) -> None:
    old, _recent = sealed_old_entries
    page = client_for(head).get(reverse("schoolyear:retention_preview")).content.decode()
    assert 'data-testid="count-counseling.audit_entry">3<' in page
    assert f"#{old[0].pk} {old[0].created_at:%Y-%m-%d} view counseling.user" in page


@pytest.mark.django_db
def test_only_the_head_counselor_manages_retention(client_for, counselor, administrator) -> None:
    for user in (counselor, administrator):
        assert (
            client_for(user).post(reverse("schoolyear:retention"), {"counseling.audit_entry": "1"}).status_code == 403
        )
    assert not RetentionPolicy.objects.exists()


@pytest.mark.django_db
def test_two_runs_never_overlap(sealed_old_entries) -> None:
    RetentionRun.objects.create(started_at=timezone.now(), trigger="beat")
    with pytest.raises(retention.RetentionBusyError):
        retention.apply(trigger="command")
    assert retention_task() == 0
    assert AuditEntry.objects.count() == 5


@pytest.mark.django_db
def test_a_run_abandoned_by_a_dead_worker_does_not_block_forever(sealed_old_entries) -> None:
    RetentionRun.objects.create(started_at=timezone.now() - datetime.timedelta(hours=7), trigger="beat")
    assert retention_task() == 3
    assert RetentionRun.objects.filter(status=RunStatus.FAILED, error="abandoned").count() == 1


def test_the_beat_runs_it_monthly() -> None:
    entry = celery_app.conf.beat_schedule["schoolyear-apply-retention"]
    assert entry["task"] == "schoolyear.apply_retention"
    assert entry["schedule"].day_of_month == {1}


def test_months_before_keeps_to_the_calendar() -> None:
    moment = timezone.make_aware(datetime.datetime(2026, 3, 31, 12, 0))
    assert retention.months_before(moment, 1).date() == datetime.date(2026, 2, 28)
    assert retention.months_before(moment, 60).date() == datetime.date(2021, 3, 31)
    assert retention.months_before(moment, 3).date() == datetime.date(2025, 12, 31)
