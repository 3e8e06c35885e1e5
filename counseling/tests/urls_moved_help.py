"""A URLconf with the help page elsewhere (counseling/tests/test_fixed_addresses.py)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("moved/help/", lambda request: HttpResponse(), name="help")]
