"""A faster ``get_FOO_display()`` for every model (installed by counseling.apps before models load).

Django's own version rebuilds a dict of all the field's choices on every call and hashes each
translated label on the way, which runs ``gettext`` once per choice: on a list page of 30 rows
with three such columns that is hundreds of translations per request. This one keeps the
value -> label map per field (labels stay lazy, so each call still answers in the active
language) and translates only the label it returns. Fields whose choices are computed at run
time (callables) keep Django's behaviour.
"""

from __future__ import annotations

from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_ATTRIBUTE = "_counseling_display_labels"


def _labels(field) -> dict | None:
    labels = field.__dict__.get(_ATTRIBUTE)
    if labels is None:
        if isinstance(field.choices, CallableChoiceIterator):
            return None
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        field.__dict__[_ATTRIBUTE] = labels
    return labels


_django_get_field_display = models.Model._get_FIELD_display


def get_field_display(self, field):
    labels = _labels(field)
    if labels is None:
        return _django_get_field_display(self, field)
    value = getattr(self, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Replace Django's ``Model._get_FIELD_display``; must run before any model class is defined."""
    models.Model._get_FIELD_display = get_field_display
