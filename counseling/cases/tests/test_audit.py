"""The audit trail of the case records: an entry for every audited action, entries that cannot
be changed or deleted (in the app or the admin), the head counselor's history page, verify_audit."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from counseling.cases.models import Case, Complaint, Escalation, Intake, Referral, SessionNote
from counseling.cases.services.notes import sign_note
from counseling.cases.tests.factories import EscalationFactory, IntakeFactory, NoteFactory, ReferralFactory
from counseling.models import AuditEntry
from counseling.models.audit import ImmutableError
from counseling.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(case, counselor):
    note = NoteFactory(case=case)
    signed = NoteFactory(case=case, signed_at=timezone.now(), signed_by=counselor)
    return {
        "case": case,
        "note": note,
        "signed": signed,
        "intake": IntakeFactory(case=case),
        "referral": ReferralFactory(case=case),
        "escalation": EscalationFactory(case=case),
    }


TODAY = timezone.localdate().isoformat
# (what, who, method, url(world), data(world), expected action, the object the entry is about)
ACTIONS = [
    ("read a case", "counselor", "get", lambda w: reverse("cases:detail", args=[w["case"].pk]), None, "view", "case"),
    (
        "change a case",
        "counselor",
        "post",
        lambda w: reverse("cases:case_edit", args=[w["case"].pk]),
        lambda w: {"risk_level": "medium", "status": "open"},
        "change",
        "case",
    ),
    (
        "print a case",
        "counselor",
        "get",
        lambda w: reverse("cases:case_print", args=[w["case"].pk]),
        None,
        "print",
        "case",
    ),
    ("export cases", "counselor", "get", lambda w: reverse("cases:case_export"), None, "export", "case"),
    (
        "read the audit history",
        "head",
        "get",
        lambda w: reverse("cases:case_audit", args=[w["case"].pk]),
        None,
        "view",
        "case",
    ),
    (
        "read the intake",
        "counselor",
        "get",
        lambda w: reverse("cases:intake", args=[w["case"].pk]),
        None,
        "view",
        "intake",
    ),
    (
        "open the intake form",
        "counselor",
        "get",
        lambda w: reverse("cases:intake_edit", args=[w["case"].pk]),
        None,
        "view",
        "intake",
    ),
    (
        "change the intake",
        "counselor",
        "post",
        lambda w: reverse("cases:intake_edit", args=[w["case"].pk]),
        lambda w: {
            "assessed_on": TODAY(),
            "method": "both",
            "study": "mild",
            "relationships": "mild",
            "family": "mild",
            "sleep_and_health": "mild",
            "risk_level": "low",
            "narrative": "改",
        },
        "change",
        "intake",
    ),
    (
        "read a note",
        "counselor",
        "get",
        lambda w: reverse("cases:note_detail", args=[w["note"].pk]),
        None,
        "view",
        "note",
    ),
    (
        "open a note to edit",
        "counselor",
        "get",
        lambda w: reverse("cases:note_edit", args=[w["note"].pk]),
        None,
        "view",
        "note",
    ),
    (
        "change a note",
        "counselor",
        "post",
        lambda w: reverse("cases:note_edit", args=[w["note"].pk]),
        lambda w: {"held_on": TODAY(), "channel": "phone", "duration_minutes": 30, "content": "改过"},
        "change",
        "note",
    ),
    (
        "sign a note",
        "counselor",
        "post",
        lambda w: reverse("cases:note_sign", args=[w["note"].pk]),
        None,
        "sign",
        "note",
    ),
    (
        "co-sign a note",
        "head",
        "post",
        lambda w: reverse("cases:note_cosign", args=[w["signed"].pk]),
        None,
        "sign",
        "signed",
    ),
    (
        "read a referral",
        "counselor",
        "get",
        lambda w: reverse("cases:referral_detail", args=[w["referral"].pk]),
        None,
        "view",
        "referral",
    ),
    (
        "change a referral",
        "counselor",
        "post",
        lambda w: reverse("cases:referral_edit", args=[w["referral"].pk]),
        lambda w: {"institution": "区医院", "referred_on": TODAY(), "reason": "改", "status": "made"},
        "change",
        "referral",
    ),
    (
        "read a crisis",
        "leader",
        "get",
        lambda w: reverse("cases:crisis_detail", args=[w["escalation"].pk]),
        None,
        "view",
        "escalation",
    ),
    (
        "acknowledge a crisis",
        "head",
        "post",
        lambda w: reverse("cases:crisis_acknowledge", args=[w["escalation"].pk]),
        None,
        "acknowledge",
        "escalation",
    ),
    (
        "record crisis actions",
        "counselor",
        "post",
        lambda w: reverse("cases:crisis_actions", args=[w["escalation"].pk]),
        lambda w: {"guardian_called": "on"},
        "change",
        "escalation",
    ),
    (
        "hand a case over",
        "head",
        "post",
        lambda w: reverse("cases:handover", args=[w["case"].pk]),
        lambda w: {"to_counselor": UserFactory(username="c3", role="counselor").pk, "note": "交接"},
        "handover",
        "case",
    ),
]


@pytest.mark.parametrize(
    ("what", "who", "method", "url", "data", "action", "about"), ACTIONS, ids=[row[0] for row in ACTIONS]
)
def test_each_audited_action_writes_an_entry(
    request, client_for, world, what, who, method, url, data, action, about
) -> None:
    user = request.getfixturevalue(who)
    target = world[about]
    before = AuditEntry.objects.for_object(target).filter(action=action).count()
    response = getattr(client_for(user), method)(url(world), data(world) if data else {})
    assert response.status_code in (200, 302)
    entries = AuditEntry.objects.for_object(target).filter(action=action)
    assert entries.count() == before + 1
    entry = entries.last()
    assert (entry.actor, entry.actor_name, entry.student_id, entry.ip_address) == (
        user,
        user.username,
        world["case"].student_id,
        "127.0.0.1",
    )


CREATIONS = [
    (
        "open a case",
        lambda w: (
            reverse("cases:case_open") + f"?student={w['other_student'].pk}",
            {"source": "mailbox", "risk_level": "none"},
        ),
        Case,
    ),
    (
        "write a note",
        lambda w: (
            reverse("cases:note_add", args=[w["case"].pk]),
            {"held_on": TODAY(), "channel": "phone", "duration_minutes": 20, "content": "新"},
        ),
        SessionNote,
    ),
    (
        "record a referral",
        lambda w: (
            reverse("cases:referral_add", args=[w["case"].pk]),
            {"institution": "区医院", "referred_on": TODAY(), "reason": "需要评估", "status": "made"},
        ),
        Referral,
    ),
    (
        "record a crisis",
        lambda w: (
            reverse("cases:crisis_add", args=[w["case"].pk]),
            {"risk_level": "high", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "narrative": "危机"},
        ),
        Escalation,
    ),
]


@pytest.mark.parametrize(("what", "request_for", "model"), CREATIONS, ids=[row[0] for row in CREATIONS])
def test_each_creation_writes_an_entry(client_for, counselor, case, other_student, what, request_for, model) -> None:
    url, data = request_for({"case": case, "other_student": other_student})
    existing = set(model.objects.values_list("pk", flat=True))
    response = client_for(counselor).post(url, data)
    assert response.status_code == 302
    created = model.objects.exclude(pk__in=existing).get()
    assert (
        AuditEntry.objects.for_object(created)
        .filter(action="create" if model is not Escalation else "escalate")
        .count()
        == 1
    )


def test_intake_creation_is_audited(case, counselor) -> None:
    from counseling.cases.services.plan import save_intake

    intake = save_intake(case, by=counselor, values={"narrative": "首次"})
    assert isinstance(intake, Intake)
    assert AuditEntry.objects.for_object(intake).get().action == "create"


def test_the_audit_entry_is_written_in_the_same_transaction(case, counselor, monkeypatch) -> None:
    """If writing the entry fails, the change is rolled back with it."""
    from counseling.cases.services import update_case
    from counseling.services import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        update_case(case, by=counselor, risk_level="medium")
    case.refresh_from_db()
    assert case.risk_level == "low"


def test_entries_cannot_be_changed_or_deleted_through_the_app(world, client_for, counselor) -> None:
    client_for(counselor).get(reverse("cases:detail", args=[world["case"].pk]))
    entry = AuditEntry.objects.get()
    entry.detail = "edited"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="nobody")
    with pytest.raises(ImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get().detail == ""


def test_entries_and_case_records_cannot_be_reached_in_the_admin(client, world, client_for, counselor) -> None:
    client_for(counselor).get(reverse("cases:detail", args=[world["case"].pk]))
    entry = AuditEntry.objects.get()
    superuser = UserFactory(username="root", role="administrator", is_staff=True, is_superuser=True)
    client.force_login(superuser, backend="counseling.backends.PasswordBackend")
    for model in (Case, SessionNote, Intake, Referral, Escalation, Complaint):
        assert model not in admin.site._registry
        assert client.get(f"/admin/cases/{model._meta.model_name}/").status_code == 404
    if AuditEntry in admin.site._registry:
        model_admin = admin.site._registry[AuditEntry]
        fake = type("R", (), {"user": superuser})()
        assert not model_admin.has_change_permission(fake, entry)
        assert not model_admin.has_delete_permission(fake, entry)
    delete = client.post(f"/admin/counseling/auditentry/{entry.pk}/delete/", {"post": "yes"})
    change = client.post(f"/admin/counseling/auditentry/{entry.pk}/change/", {"detail": "edited"})
    assert delete.status_code in (403, 404) and change.status_code in (403, 404)
    assert AuditEntry.objects.get().detail == ""


def test_head_reads_the_audit_history_of_a_case(client_for, world, counselor, head) -> None:
    client_for(counselor).get(reverse("cases:note_detail", args=[world["note"].pk]))
    sign_note(world["note"], by=counselor)
    page = client_for(head).get(reverse("cases:case_audit", args=[world["case"].pk])).content.decode()
    table = page.split('data-testid="audit-table"')[1]
    assert table.count("<tr>") == 1 + 3  # header, the note read, the signature, the head's own reading
    assert "张老师" in table and f"cases.sessionnote #{world['note'].pk}" in table
    assert client_for(counselor).get(reverse("cases:case_audit", args=[world["case"].pk])).status_code == 403
