"""Organisers assign tasks; owners (and organisers) move them along."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import TaskForm
from campaigns.models import Task
from campaigns.services import access, work
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_perm


@require_perm("campaigns.manage_campaigns")
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    form = TaskForm(request.POST or None, instance=Task(campaign=campaign), initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            work.save_task(form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/task_form.html", {"form": form, "campaign": campaign, "task": None})


@require_perm("campaigns.manage_campaigns")
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for(request.user, pk)
    if not access.is_organiser(request.user, task.campaign):
        raise PermissionDenied
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            work.save_task(form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect("campaigns:detail", task.campaign_id)
    return render(request, "campaigns/task_form.html", {"form": form, "campaign": task.campaign, "task": task})


@require_perm("campaigns.view_planner")
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or an organiser) marks a task in progress or done, from the campaign page or home."""
    task = access.get_task_for(request.user, pk)
    try:
        work.set_status(task, request.POST.get("status", ""))
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(
            request, _("Task “%(task)s”: %(status)s.") % {"task": task.title, "status": task.get_status_display()}
        )
    target = request.POST.get("next", "")
    # Only a path of this site: redirect() would take a bare word for a URL name and fail to reverse it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("campaigns:detail", task.campaign_id)
