"""The yardstick: the least a Django page can do here (one query, a tiny template)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counseling.models import Term


def yardstick(request: HttpRequest) -> HttpResponse:
    return render(request, "benchmarks/yardstick.html", {"term": Term.objects.filter(is_current=True).first()})
