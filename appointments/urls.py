from django.urls import path

from appointments.views import agenda, appointment, groups, hours, mailbox, public, student

app_name = "appointments"

urlpatterns = [
    # Public
    path("office/", public.office, name="office"),
    path("feed/<slug:token>.ics", agenda.feed, name="feed"),
    # Students
    path("", student.mine, name="mine"),
    path("book/", student.book, name="book"),
    path("book/confirm/", student.book_confirm, name="book_confirm"),
    path("waitlist/", student.waitlist_join, name="waitlist_join"),
    path("waitlist/<int:pk>/leave/", student.waitlist_leave, name="waitlist_leave"),
    path("offers/<int:pk>/accept/", student.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", student.offer_decline, name="offer_decline"),
    # One appointment (its student or its counselor)
    path("<int:pk>/", appointment.detail, name="detail"),
    path("<int:pk>/move/", appointment.move, name="move"),
    path("<int:pk>/cancel/", appointment.cancel, name="cancel"),
    path("<int:pk>/calendar.ics", appointment.ics, name="ics"),
    # Counselors
    path("agenda/", agenda.week, name="week"),
    path("agenda/day/", agenda.day, name="day"),
    path("agenda/new/", agenda.create, name="create"),
    path("agenda/calendar/", agenda.feed_settings, name="feed_settings"),
    path("agenda/requests/", agenda.requests, name="requests"),
    path("<int:pk>/confirm/", agenda.confirm, name="confirm"),
    path("<int:pk>/decline/", agenda.decline, name="decline"),
    path("<int:pk>/attended/", agenda.attended, name="attended"),
    path("<int:pk>/no-show/", agenda.no_show, name="no_show"),
    path("<int:pk>/follow-ups/", agenda.follow_ups, name="follow_ups"),
    # Group sessions
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/join/", groups.group_join, name="group_join"),
    path("groups/<int:pk>/leave/", groups.group_leave, name="group_leave"),
    path("groups/<int:pk>/cancel/", groups.group_cancel, name="group_cancel"),
    # Mailbox
    path("mailbox/", mailbox.inbox, name="mailbox"),
    path("mailbox/write/", mailbox.letter_new, name="letter_new"),
    path("mailbox/sent/", mailbox.my_letters, name="my_letters"),
    path("mailbox/<int:pk>/", mailbox.item, name="mailbox_item"),
    path("mailbox/<int:pk>/schedule/", mailbox.schedule, name="mailbox_schedule"),
    path("mailbox/<int:pk>/reply/", mailbox.reply, name="mailbox_reply"),
    path("mailbox/<int:pk>/close/", mailbox.close, name="mailbox_close"),
    # Opening hours and office rules
    path("hours/", hours.hours, name="hours"),
    path("hours/weekly/new/", hours.schedule_new, name="schedule_new"),
    path("hours/weekly/<int:pk>/", hours.schedule_edit, name="schedule_edit"),
    path("hours/weekly/<int:pk>/delete/", hours.schedule_delete, name="schedule_delete"),
    path("hours/closed/new/", hours.closed_new, name="closed_new"),
    path("hours/closed/<int:pk>/delete/", hours.closed_delete, name="closed_delete"),
    path("hours/extra/new/", hours.extra_new, name="extra_new"),
    path("hours/extra/<int:pk>/delete/", hours.extra_delete, name="extra_delete"),
    path("hours/rules/", hours.rules_edit, name="rules"),
    path("hours/rota/", hours.rota, name="rota"),
]
