"""Forms of the appointments app. Every form is rendered with crispy and survives garbage input."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.enums import AppointmentSource, CloseReason, MailboxKind, Recurrence, TimeOfDay, Weekday
from appointments.models import ClosedDay, DutyRota, ExtraSession, OfficeRules, WeeklySchedule
from appointments.services.mailbox import ANONYMOUS_REQUEST
from counseling.enums import Channel
from counseling.forms import BoundedInputMixin
from counseling.models import ConcernCategory, StudentProfile, User
from counseling.roles import counselors
from counseling.widgets import DateInput, TimeInput

DURATIONS = [(15, "15"), (30, "30"), (45, "45"), (50, "50"), (60, "60"), (90, "90"), (120, "120")]
MAX_TEXT = 5000


def _helper(submit_label, *, method: str = "post", css: str = "btn-primary", confirm=None) -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    if submit_label:
        # ``confirm``: the question the browser asks before the form is sent (static/js/app.js).
        button = Submit("submit", submit_label, **({"data_confirm": confirm} if confirm else {}))
        button.field_classes = f"btn {css}"
        helper.add_input(button)
    return helper


def aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


class ConfirmUnusualMixin(BoundedInputMixin, forms.Form):
    """A confirmation box that appears only once the time turned out to be an unusual one.

    Hidden (and false) until ``ask_to_confirm``; a counselor who ticks it books a time outside both
    the opening hours and the school day (see ``appointments.services.timing``).
    """

    confirm_unusual = forms.BooleanField(
        label=_("Yes, book this time outside the opening hours and the school day"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Once ticked the box stays in sight: a confirmation never travels on hidden.
        if self.is_bound and self.data.get(self.add_prefix("confirm_unusual")) in ("on", "True", "true", "1"):
            self.show_confirmation()

    def show_confirmation(self) -> None:
        """Show the box (the time, or a date of a plan, is an unusual one)."""
        self.fields["confirm_unusual"].widget = forms.CheckboxInput()

    def ask_to_confirm(self, message: str) -> None:
        """Say why the time is unusual and show the box to confirm it."""
        self.show_confirmation()
        self.add_error(None, message)
        self.add_error("confirm_unusual", _("Tick the box to book this time anyway, or choose another time."))


class WhenMixin(ConfirmUnusualMixin):
    """A date, a start time and a length in minutes; ``starts_at``/``ends_at`` once valid."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start"), widget=TimeInput)
    duration = forms.TypedChoiceField(label=_("Length (minutes)"), choices=DURATIONS, coerce=int, initial=30)

    def clean(self):
        data = super().clean()
        day, start, minutes = data.get("date"), data.get("start_time"), data.get("duration")
        if day and start and minutes:
            if not 2000 <= day.year <= 2100:
                self.add_error("date", _("Enter a date between 2000 and 2100."))
                return data
            data["starts_at"] = aware(day, start)
            data["ends_at"] = data["starts_at"] + datetime.timedelta(minutes=minutes)
        return data


class CounselorFilterForm(BoundedInputMixin, forms.Form):
    counselor = forms.ChoiceField(label=_("Counselor"), required=False)

    def __init__(self, *args, counselor_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # counselor_choices: (id, name) pairs.
        self.fields["counselor"].choices = [("", _("Any counselor"))] + [
            (str(pk), label) for pk, label in counselor_choices
        ]
        self.helper = _helper(_("Show free times"), method="get", css="btn-outline-primary")

    def selected(self) -> int | None:
        if self.is_valid() and self.cleaned_data["counselor"]:
            return int(self.cleaned_data["counselor"])
        return None


class BookForm(BoundedInputMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("How do you want to meet?"),
        choices=Channel.choices,
        initial=Channel.FACE_TO_FACE,
        widget=forms.RadioSelect,
    )
    topic = forms.ModelChoiceField(
        label=_("What is it about? (optional)"),
        queryset=ConcernCategory.objects.active(),
        required=False,
        empty_label=_("I'd rather say in person"),
        help_text=_("Only the counselors see this."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(None)
        self.helper.form_tag = False


class WaitlistForm(BoundedInputMixin, forms.Form):
    counselor = forms.ModelChoiceField(
        label=_("Counselor"), queryset=User.objects.none(), required=False, empty_label=_("Any counselor")
    )
    time_of_day = forms.ChoiceField(label=_("When suits you?"), choices=TimeOfDay.choices, initial=TimeOfDay.ANY)
    channel = forms.ChoiceField(
        label=_("How do you want to meet?"), choices=Channel.choices, initial=Channel.FACE_TO_FACE
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors()
        self.helper = _helper(_("Join the waitlist"))


class StudentField(forms.CharField):
    """A student by student number or exact name."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Student"))
        kwargs.setdefault("help_text", _("Student number, or the full name if it is unique."))
        super().__init__(max_length=100, **kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        profiles = StudentProfile.objects.active().select_related("user").filter(user__is_active=True)
        matches = list(profiles.filter(Q(student_number=text) | Q(user__name=text))[:2])
        if not matches:
            raise forms.ValidationError(_("No current student has that number or name."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several students have that name; enter the student number."))
        return matches[0].user


class CounselorChoiceMixin:
    """Adds a counselor choice for the head counselor; others always act for themselves."""

    def setup_counselor(self, user, *, choose: bool, initial=None) -> None:
        if choose:
            self.fields["counselor"] = forms.ModelChoiceField(
                label=_("Counselor"), queryset=counselors(), initial=initial or user.pk
            )
        self.acting_user = user

    def chosen_counselor(self):
        return self.cleaned_data.get("counselor") or self.acting_user


class AppointmentCreateForm(CounselorChoiceMixin, WhenMixin):
    student = StudentField()
    channel = forms.ChoiceField(label=_("How to meet"), choices=Channel.choices, initial=Channel.FACE_TO_FACE)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=ConcernCategory.objects.active(), required=False)
    source = forms.ChoiceField(
        label=_("How it was booked"),
        choices=[
            (AppointmentSource.WALK_IN, AppointmentSource.WALK_IN.label),
            (AppointmentSource.PHONE, AppointmentSource.PHONE.label),
            (AppointmentSource.FOLLOW_UP, AppointmentSource.FOLLOW_UP.label),
        ],
        initial=AppointmentSource.WALK_IN,
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    field_order = ["counselor", "student", "date", "start_time", "duration", "channel", "topic", "source", "room"]

    def __init__(self, *args, user, choose_counselor: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_counselor(user, choose=choose_counselor, initial=kwargs.get("initial", {}).get("counselor"))
        self.order_fields(self.field_order)
        self.helper = _helper(_("Book"))


class CounselorMoveForm(WhenMixin):
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Move"), confirm=_("Move this appointment? The student is told the new time."))


class FollowUpForm(ConfirmUnusualMixin):
    first_date = forms.DateField(label=_("First follow-up on"), widget=DateInput)
    start_time = forms.TimeField(label=_("At"), widget=TimeInput)
    every = forms.TypedChoiceField(label=_("Repeat"), choices=Recurrence.choices, coerce=int, initial=Recurrence.WEEKLY)
    count = forms.IntegerField(label=_("How many times"), min_value=1, max_value=12, initial=4)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(None)
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if data.get("first_date") and data.get("start_time"):
            if not 2000 <= data["first_date"].year <= 2100:
                self.add_error("first_date", _("Enter a date between 2000 and 2100."))
            else:
                data["first_start"] = aware(data["first_date"], data["start_time"])
        return data


class LetterForm(BoundedInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What do you send?"), choices=MailboxKind.choices, initial=MailboxKind.REQUEST)
    about_student = forms.ModelChoiceField(
        label=_("About which student?"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    body = forms.CharField(label=_("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    preferred_channel = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=[("", _("No preference")), *Channel.choices], required=False
    )
    is_anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        required=False,
        help_text=_(
            "The counselors will not see your name. You can still read their reply here, but they cannot book an appointment for you."
        ),
    )

    def __init__(
        self,
        *args,
        about_choices,
        can_write_for_self: bool,
        can_be_anonymous: bool = True,
        for_family: bool = False,
        about_pupils: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about_student"].queryset = about_choices
        if not can_write_for_self:
            self.fields["about_student"].required = True
            self.fields["about_student"].empty_label = None
            del self.fields["is_anonymous"]
        elif not about_pupils and not about_choices.exists():
            # A class teacher keeps the field even without pupils: a letter about another class's
            # student is refused, not quietly sent about themselves.
            del self.fields["about_student"]
        if not can_be_anonymous and "is_anonymous" in self.fields:
            del self.fields["is_anonymous"]
        if for_family:
            self.fields["body"].help_text = _(
                "Write about yourself or your family, in your own words. A counselor will answer you here."
            )
        if "is_anonymous" in self.fields:
            # Said before sending, not only refused after.
            self.fields["kind"].help_text = _("An anonymous letter cannot ask for an appointment.")
        self.helper = _helper(_("Send"))

    def clean(self):
        data = super().clean()
        if data.get("is_anonymous") and data.get("kind") == MailboxKind.REQUEST:
            self.add_error("is_anonymous", ANONYMOUS_REQUEST)
        return data


class ScheduleFromMailboxForm(CounselorChoiceMixin, WhenMixin):
    channel = forms.ChoiceField(label=_("How to meet"), choices=Channel.choices, initial=Channel.FACE_TO_FACE)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_counselor(user, choose=True)
        self.order_fields(["counselor", "date", "start_time", "duration", "channel", "room"])
        self.helper = _helper(_("Book and tell the student"))


class ReplyForm(BoundedInputMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send reply"))


class CloseForm(BoundedInputMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Close"), css="btn-outline-secondary")


class GroupSessionForm(BoundedInputMixin, CounselorChoiceMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start"), widget=TimeInput)
    end_time = forms.TimeField(label=_("End"), widget=TimeInput)
    room = forms.CharField(label=_("Room"), max_length=100)
    capacity = forms.IntegerField(label=_("Seats"), min_value=2, max_value=200, initial=8)

    def __init__(self, *args, user, choose_counselor: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_counselor(user, choose=choose_counselor)
        self.helper = _helper(_("Offer this session"))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if not 2000 <= day.year <= 2100:
                self.add_error("date", _("Enter a date between 2000 and 2100."))
            elif end <= start:
                self.add_error("end_time", _("The end must be after the start."))
            else:
                data["starts_at"], data["ends_at"] = aware(day, start), aware(day, end)
        return data


class HoursBlockForm(BoundedInputMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors()
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        start, end, minutes = data.get("start_time"), data.get("end_time"), data.get("slot_minutes")
        if start and end:
            if end <= start:
                self.add_error("end_time", _("The end must be after the start."))
            elif minutes:
                length = datetime.datetime.combine(datetime.date.min, end) - datetime.datetime.combine(
                    datetime.date.min, start
                )
                if length < datetime.timedelta(minutes=minutes):
                    self.add_error("slot_minutes", _("The hours are shorter than one slot."))
            if end > start and data.get("counselor") and self.overlapping(data).exists():
                self.add_error(
                    "start_time", _("These hours overlap other opening hours of the same counselor on that day.")
                )
        return data

    def same_day(self, data: dict):
        """The counselor's other blocks on the same day (a weekday of the term, or the date)."""
        raise NotImplementedError

    def overlapping(self, data: dict):
        """The counselor's other blocks of the same day whose time overlaps ``data``'s."""
        blocks = self.same_day(data).filter(
            counselor=data["counselor"], start_time__lt=data["end_time"], end_time__gt=data["start_time"]
        )
        return blocks.exclude(pk=self.instance.pk) if self.instance.pk else blocks


class WeeklyScheduleForm(HoursBlockForm):
    class Meta:
        model = WeeklySchedule
        fields = [
            "counselor",
            "term",
            "weekday",
            "start_time",
            "end_time",
            "room",
            "slot_minutes",
            "reserved_for_key_students",
        ]
        widgets = {"start_time": TimeInput, "end_time": TimeInput}

    def same_day(self, data: dict):
        if not data.get("term") or data.get("weekday") in (None, ""):
            return WeeklySchedule.objects.none()
        return WeeklySchedule.objects.filter(term=data["term"], weekday=data["weekday"])


class ExtraSessionForm(HoursBlockForm):
    class Meta:
        model = ExtraSession
        fields = ["counselor", "date", "start_time", "end_time", "room", "slot_minutes", "reserved_for_key_students"]
        widgets = {"date": DateInput, "start_time": TimeInput, "end_time": TimeInput}

    def same_day(self, data: dict):
        if not data.get("date"):
            return ExtraSession.objects.none()
        return ExtraSession.objects.filter(date=data["date"])


class ClosedDayForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = ClosedDay
        fields = ["start_date", "end_date", "counselor", "reason"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors()
        self.fields["counselor"].empty_label = _("The whole office")
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


class OfficeRulesForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = OfficeRules
        fields = [
            "office_place",
            "office_phone",
            "public_note",
            "booking_horizon_days",
            "max_upcoming_per_student",
            "booking_cutoff_hours",
            "change_cutoff_hours",
            "approval_required",
            "offer_hold_hours",
            "first_reminder_hours",
            "second_reminder_hours",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the rules"))


class RotaForm(BoundedInputMixin, forms.Form):
    """One counselor (or nobody) per weekday for the mailbox duty."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = {row.weekday: row.counselor_id for row in DutyRota.objects.all()}
        for weekday in Weekday:
            self.fields[f"day_{weekday.value}"] = forms.ModelChoiceField(
                label=weekday.label,
                queryset=counselors(),
                required=False,
                empty_label=_("Head counselor (default)"),
                initial=current.get(weekday.value),
            )
        self.helper = _helper(_("Save the rota"))

    def assignments(self) -> dict[int, User | None]:
        return {weekday.value: self.cleaned_data.get(f"day_{weekday.value}") for weekday in Weekday}
