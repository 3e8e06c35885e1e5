"""The product's URLs plus the yardstick, for the performance suite only."""

from django.urls import path

from benchmarks.views import yardstick
from counseling.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("__yardstick/", yardstick, name="bench_yardstick"), *product_urlpatterns]
