"""Two-person acts: the administrator proposes, a head counselor confirms with their own TOTP code.

The first test is the promise of the issue "Confidentiality you can prove": by no sequence of actions,
in the product or in Django's admin, does the administrator reach clinical data or a clinical role
without a head counselor's confirmation.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.cases.models import Case
from counseling.cases.tests.factories import CaseFactory, NoteFactory
from counseling.enums import Role
from counseling.models import AuditEntry, Notification, OutboxMessage, StaffRequest, User
from counseling.models.staff import StaffRequestKind, StaffRequestState
from counseling.services.notify import deliver_due
from counseling.tests.factories import PASSWORD, UserFactory
from counseling.tests.test_access_matrix import all_routes
from counseling.tests.twofactor_helpers import current_code, device_for, wrong_code

pytestmark = pytest.mark.django_db

CANARY = "CANARY-PHQ9-TOTAL-23"


@pytest.fixture
def other_head(db):
    return UserFactory(username="otherhead", name="林主任", role=Role.HEAD_COUNSELOR)


def plant_note(student, counselor):
    """A session note with a marked text about ``student`` (on the case the access matrix made, if any)."""
    case = Case.objects.filter(student=student).first() or CaseFactory(student=student, counselor=counselor)
    return NoteFactory(case=case, content=CANARY, analysis=CANARY, next_steps=CANARY)


def _statuses(client, routes) -> dict[str, int]:
    """Each route's status for this client; no answer may carry the marked clinical text."""
    statuses = {}
    for name, route in routes.items():
        response = getattr(client, route.method)(route.url, route.data)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert CANARY.encode() not in content, name
        statuses[name] = response.status_code
    return statuses


def _admin_urls() -> list[str]:
    """Every page Django's admin has for every registered model: list, add, and change/delete/history of one row."""
    urls = []
    for model, _model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls += [reverse(f"{prefix}_{page}", args=[row.pk]) for page in ("change", "delete", "history")]
    return urls


def test_the_administrator_reaches_no_clinical_data_or_role_without_a_head_counselors_confirmation(
    cast, client_for, other_head
) -> None:
    routes = all_routes(cast)
    note = plant_note(cast.student, cast.counselor)
    # The mark is there to be found: the student's counselor reads it.
    assert CANARY in client_for(cast.counselor).get(reverse("cases:note_detail", args=[note.pk])).content.decode()
    administrator, head = cast.administrator, cast.head
    client = client_for(administrator)
    before = _statuses(client, routes)
    clinical_pages = {name for name, route in routes.items() if route.expect["administrator"] in (403, 404)}
    assert {"cases:case_list", "cases:crisis_list", "archives:student_list"} & clinical_pages

    # 1. Django's admin: not entered at all, even with the staff flag set.
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    for url in ["/admin/", *_admin_urls()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
        assert CANARY not in response.content.decode()
    bulk = client.post(
        reverse("admin:counseling_user_changelist"),
        {"action": "delete_selected", "_selected_action": [cast.student.pk]},
    )
    assert bulk.status_code == 302 and User.objects.filter(pk=cast.student.pk).exists()
    own_change = client.post(
        reverse("admin:counseling_user_change", args=[administrator.pk]),
        {"username": administrator.username, "role": Role.HEAD_COUNSELOR, "name": "x"},
    )
    assert own_change.status_code == 302
    head_password = client.post(
        reverse("admin:auth_user_password_change", args=[head.pk]),
        {"password1": "Takeover-2026!x", "password2": "Takeover-2026!x"},
    )
    assert head_password.status_code == 302

    # 2. The product: every act that opens clinical content is only proposed.
    device_for(head)
    other_device = device_for(other_head)
    client.post(reverse("staff_role", args=[administrator.pk]), {"role": Role.HEAD_COUNSELOR})
    client.post(
        reverse("staff_create"),
        {"username": "newhead", "name": "假主任", "email": "", "phone": "", "role": Role.HEAD_COUNSELOR},
    )
    client.post(reverse("staff_reset", args=[head.pk]), {"what": "password"})
    client.post(reverse("staff_reset", args=[head.pk]), {"what": "two_factor"})
    client.post(reverse("staff_active", args=[head.pk]), {"active": "0"})  # revoking is allowed at once
    head.refresh_from_db()
    assert not head.is_active
    client.post(reverse("staff_active", args=[head.pk]), {"active": "1"})  # giving it back is not
    # The administrator cannot confirm: not their page, whatever the code.
    for staff_request in StaffRequest.objects.all():
        assert client.get(reverse("staff_request_confirm", args=[staff_request.pk])).status_code == 403
        assert (
            client.post(reverse("staff_request_confirm", args=[staff_request.pk]), {"token": "123456"}).status_code
            == 403
        )

    administrator.refresh_from_db()
    head.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert head.check_password(PASSWORD) and not head.is_active
    assert TOTPDevice.objects.filter(user=head).exists()
    newhead = User.objects.get(username="newhead")
    assert not newhead.is_active and not newhead.has_usable_password()
    after = _statuses(client, routes)
    opened = {name for name in clinical_pages if after[name] != before[name]}
    assert not opened, opened

    # The administrator's own role is not even proposed: nobody widens their own access.
    assert not StaffRequest.objects.filter(target=administrator).exists()

    # 3. A head counselor confirms the new head counselor's account: a wrong code changes nothing, the right one does.
    grant = StaffRequest.objects.get(target=newhead)
    head_client = client_for(other_head)
    page = head_client.post(reverse("staff_request_confirm", args=[grant.pk]), {"token": wrong_code(other_device)})
    assert page.status_code == 400 and "验证码无效" in page.content.decode()
    newhead.refresh_from_db()
    assert not newhead.is_active
    other_device.throttle_reset()
    page = head_client.post(reverse("staff_request_confirm", args=[grant.pk]), {"token": current_code(other_device)})
    assert page.status_code == 200 and 'data-testid="set-password-link"' in page.content.decode()
    newhead.refresh_from_db()
    assert newhead.is_active and newhead.role == Role.HEAD_COUNSELOR
    assert StaffRequest.objects.get(pk=grant.pk).state == StaffRequestState.CONFIRMED
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR


def test_a_head_counselor_cannot_confirm_a_request_about_themselves(cast, client_for) -> None:
    device = device_for(cast.head)
    client_for(cast.administrator).post(reverse("staff_reset", args=[cast.head.pk]), {"what": "password"})
    staff_request = StaffRequest.objects.get()
    page = client_for(cast.head).post(
        reverse("staff_request_confirm", args=[staff_request.pk]), {"token": current_code(device)}
    )
    assert page.status_code == 400
    assert "您不能处理自己提出的或关于自己的申请" in page.content.decode()
    cast.head.refresh_from_db()
    assert cast.head.check_password(PASSWORD)
    assert StaffRequest.objects.get().state == StaffRequestState.PENDING


def test_password_reset_gives_the_confirming_head_a_one_time_link(cast, client_for, other_head) -> None:
    device = device_for(other_head)
    proposal = client_for(cast.administrator).post(
        reverse("staff_reset", args=[cast.counselor.pk]), {"what": "password"}
    )
    assert 'data-testid="set-password-link"' not in proposal.content.decode()
    staff_request = StaffRequest.objects.get(kind=StaffRequestKind.RESET_PASSWORD)
    page = client_for(other_head).post(
        reverse("staff_request_confirm", args=[staff_request.pk]), {"token": current_code(device)}
    )
    link = page.content.decode().split('data-testid="set-password-link">')[1].split("<")[0]
    path = link.replace("http://testserver", "")
    cast.counselor.refresh_from_db()
    assert not cast.counselor.check_password(PASSWORD)

    visitor = client_for(None)
    form = visitor.get(path, follow=True)
    assert form.status_code == 200 and "设置密码" in form.content.decode()
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": "Quiet-Harbour-77", "new_password2": "Quiet-Harbour-77"}
    )
    assert done.status_code == 302
    cast.counselor.refresh_from_db()
    assert cast.counselor.check_password("Quiet-Harbour-77")
    # Used once: the link no longer works.
    again = client_for(None).get(path, follow=True)
    assert 'data-testid="invalid-link"' in again.content.decode()
    assert AuditEntry.objects.filter(
        object_type="counseling.user", object_id=str(cast.counselor.pk), detail__startswith="password reset"
    ).exists()


def test_second_factor_reset_removes_the_devices_after_confirmation(cast, client_for, other_head) -> None:
    device = device_for(other_head)
    device_for(cast.counselor)
    StaticDevice.objects.create(user=cast.counselor, name="recovery", confirmed=True)
    client_for(cast.administrator).post(reverse("staff_reset", args=[cast.counselor.pk]), {"what": "two_factor"})
    assert TOTPDevice.objects.filter(user=cast.counselor).exists()
    staff_request = StaffRequest.objects.get()
    response = client_for(other_head).post(
        reverse("staff_request_confirm", args=[staff_request.pk]), {"token": current_code(device)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.counselor).exists()
    assert not StaticDevice.objects.filter(user=cast.counselor).exists()


def test_every_head_counselor_is_told_in_the_app_and_the_email_stays_quiet(cast, client_for, other_head) -> None:
    client_for(cast.administrator).post(reverse("staff_role", args=[cast.class_teacher.pk]), {"role": Role.COUNSELOR})
    staff_request = StaffRequest.objects.get()
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {
        "head",
        "otherhead",
        "administrator",
    }
    mail.outbox.clear()
    deliver_due()
    for head in (cast.head, other_head):
        notice = Notification.objects.get(user=head)
        assert cast.class_teacher.name in notice.title and "待确认" in notice.title
        assert notice.url == reverse("staff_request_confirm", args=[staff_request.pk])
    for message in mail.outbox:
        assert cast.class_teacher.name not in message.subject + message.body
        assert "教职工账户申请" in message.subject
    # Refused: nothing changes, everyone hears of it, and it is audited.
    device_for(other_head)
    client_for(other_head).post(reverse("staff_request_confirm", args=[staff_request.pk]), {"refuse": "1"})
    cast.class_teacher.refresh_from_db()
    assert cast.class_teacher.role == Role.CLASS_TEACHER
    assert StaffRequest.objects.get().state == StaffRequestState.REFUSED
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"staffreq:{staff_request.pk}:refused:").count() == 3
    assert list(AuditEntry.objects.filter(object_type="counseling.staffrequest").values_list("action", "detail")) == [
        ("create", f"proposed grant_role counselor for user #{cast.class_teacher.pk}"),
        ("change", "refused"),
    ]


def test_the_administrator_withdraws_a_proposal(cast, client_for) -> None:
    admin_client = client_for(cast.administrator)
    admin_client.post(reverse("staff_role", args=[cast.class_teacher.pk]), {"role": Role.LEADER})
    staff_request = StaffRequest.objects.get()
    assert staff_request.role == Role.LEADER
    response = admin_client.post(reverse("staff_request_withdraw", args=[staff_request.pk]), follow=True)
    assert "申请已撤回" in response.content.decode()
    assert StaffRequest.objects.get().state == StaffRequestState.WITHDRAWN
    # Withdrawn twice: a message, no change.
    again = admin_client.post(reverse("staff_request_withdraw", args=[staff_request.pk]), follow=True)
    assert "已不在等待中" in again.content.decode()


def test_a_request_expires_after_72_hours(cast, client_for, other_head) -> None:
    device = device_for(other_head)
    client_for(cast.administrator).post(reverse("staff_role", args=[cast.class_teacher.pk]), {"role": Role.COUNSELOR})
    staff_request = StaffRequest.objects.get()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=73), tick=False):
        page = client_for(other_head).post(
            reverse("staff_request_confirm", args=[staff_request.pk]), {"token": current_code(device)}
        )
        assert page.status_code == 400 and 'data-testid="problem"' in page.content.decode()
        cast.class_teacher.refresh_from_db()
        assert cast.class_teacher.role == Role.CLASS_TEACHER
        # A new proposal is possible once the old one has lapsed.
        client_for(cast.administrator).post(
            reverse("staff_role", args=[cast.class_teacher.pk]), {"role": Role.COUNSELOR}
        )
    assert StaffRequest.objects.filter(state=StaffRequestState.PENDING).count() == 1
    assert StaffRequest.objects.filter(state=StaffRequestState.EXPIRED).count() == 1


def test_a_second_proposal_of_the_same_kind_waits_for_the_first(cast, client_for) -> None:
    admin_client = client_for(cast.administrator)
    admin_client.post(reverse("staff_reset", args=[cast.counselor.pk]), {"what": "password"})
    response = admin_client.post(reverse("staff_reset", args=[cast.counselor.pk]), {"what": "password"}, follow=True)
    assert "已有一项同类申请在等待" in response.content.decode()
    assert StaffRequest.objects.count() == 1


def test_a_head_counselor_without_an_authenticator_is_sent_to_set_one_up(cast, client_for, other_head) -> None:
    client_for(cast.administrator).post(reverse("staff_reset", args=[cast.counselor.pk]), {"what": "password"})
    staff_request = StaffRequest.objects.get()
    url = reverse("staff_request_confirm", args=[staff_request.pk])
    response = client_for(other_head).post(url, {"token": "123456"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('two_factor')}?next={url}"
    assert StaffRequest.objects.get().state == StaffRequestState.PENDING


def test_a_granted_role_starts_with_fresh_credentials(cast, client_for, other_head) -> None:
    """The administrator may know a class teacher's password (they handed it over): it dies with the grant."""
    device = device_for(other_head)
    client_for(cast.administrator).post(reverse("staff_role", args=[cast.class_teacher.pk]), {"role": Role.COUNSELOR})
    teacher_session = client_for(cast.class_teacher)
    client_for(other_head).post(
        reverse("staff_request_confirm", args=[StaffRequest.objects.get().pk]), {"token": current_code(device)}
    )
    cast.class_teacher.refresh_from_db()
    assert cast.class_teacher.role == Role.COUNSELOR
    assert not cast.class_teacher.has_usable_password()
    # The session signed in with the old password has ended.
    assert teacher_session.get(reverse("cases:case_list")).status_code == 302


@override_settings(REQUIRE_STAFF_2FA=True)
def test_the_administrator_must_pass_two_factor_too(client_for, administrator) -> None:
    response = client_for(administrator).get(reverse("staff_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))


def test_a_superuser_uses_the_admin_but_sees_no_clinical_data_and_grants_no_role_there(cast, client_for) -> None:
    routes = all_routes(cast)
    plant_note(cast.student, cast.counselor)
    root = UserFactory(username="root", name="系统运维", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = client_for(root)
    # The superuser flag opens no page of the product that the role does not.
    as_superuser = _statuses(client, routes)
    assert {
        name: status for name, status in as_superuser.items() if status != routes[name].expect["administrator"]
    } == {}

    for url in _admin_urls():
        response = client.get(url)
        assert CANARY.encode() not in response.content, url
        assert response.status_code in (200, 403), url
        if url.startswith("/admin/counseling/") and url.endswith("/delete/"):
            assert response.status_code == 403, url
    changelist = client.get(reverse("admin:counseling_user_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = client.post(
        reverse("admin:counseling_user_changelist"),
        {"action": "delete_selected", "_selected_action": [cast.student.pk]},
    )
    assert bulk.status_code in (200, 302) and User.objects.filter(pk=cast.student.pk).exists()
    assert client.get(reverse("admin:counseling_user_add")).status_code == 403
    # The role is shown, not editable; posting one changes nothing.
    change_url = reverse("admin:counseling_user_change", args=[cast.class_teacher.pk])
    assert 'name="role"' not in client.get(change_url).content.decode()
    client.post(
        change_url,
        {
            "username": "teacher",
            "name": "王老师",
            "email": "",
            "phone": "",
            "role": Role.HEAD_COUNSELOR,
            "is_active": "on",
        },
    )
    cast.class_teacher.refresh_from_db()
    assert cast.class_teacher.role == Role.CLASS_TEACHER
    # No password change here for anyone whose role reads confidential content.
    for who, status in ((cast.counselor, 403), (cast.head, 403), (cast.leader, 403), (cast.class_teacher, 200)):
        assert client.get(reverse("admin:auth_user_password_change", args=[who.pk])).status_code == status, who
    response = client.post(
        reverse("admin:auth_user_password_change", args=[cast.head.pk]),
        {"password1": "Takeover-2026!x", "password2": "Takeover-2026!x"},
    )
    assert response.status_code == 403
    cast.head.refresh_from_db()
    assert cast.head.check_password(PASSWORD)
    # Second-factor devices are not in the admin (deleting one would reset it alone).
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
