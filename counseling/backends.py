"""Password sign-in, and Django's own permission tables only for the Django admin's users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's ModelBackend, with two savings on every signed-in request.

    - Everyone's permissions come from the role table (``counseling.roles``, through ``rules``);
      only the Django admin's users (``is_staff``, the administrators' group) also hold rows in
      Django's permission tables. Without the ``is_staff`` test, every ``has_perm`` that the role
      table answers "no" would load those tables: two queries on every page for everyone.
    - The signed-in user is loaded with their student profile, class and grade (joins instead of
      up to three more queries on every student's page: the menu and most student pages read them).
    """

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_staff:
            return set()
        return super()._get_permissions(user_obj, obj, from_name)

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("student_profile__school_class__grade").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
