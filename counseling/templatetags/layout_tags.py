"""The navigation bar of every page, written in Python (``{% navbar %}`` in templates/base.html).

Every page renders it: as a template (an include, loops over the menu, a language-switch include)
it cost about 0.6 ms of a page's CPU; built here from the same context it costs a fraction of that.
Every value is escaped by ``format_html``; the only ``mark_safe`` strings are constant markup.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.template.backends.utils import csrf_input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from counseling.rows import fixed_address

register = template.Library()


# Closes the class attribute and marks the link as the current page (constant markup).
_CURRENT = mark_safe('" aria-current="page')
_CURRENT_HELP = mark_safe(' aria-current="page"')
_SIGNED_OUT = mark_safe('      <div class="me-auto"></div>\n')


def _active(view_name: str | None, url_name: str) -> SafeString | str:
    return _CURRENT if view_name == url_name else ""


def _menu(groups: list[dict], view_name: str | None) -> SafeString:
    """The menu's items: drawn once per process for each menu and current page (``_drawn_menu``).

    The key is everything the HTML is made of (labels already in the reader's language, addresses,
    which page is current), so two users with the same menu share it and nothing else.
    """
    return _drawn_menu(
        view_name,
        tuple(
            (group["label"], tuple((item["url_name"], item["url"], item["label"]) for item in group["items"]))
            for group in groups
        ),
    )


@functools.lru_cache(maxsize=512)
def _drawn_menu(view_name: str | None, groups: tuple) -> SafeString:
    items = []
    for label, entries in groups:
        if len(entries) == 1:
            url_name, url, item_label = entries[0]
            items.append(
                format_html(
                    '        <li class="nav-item"><a class="nav-link{}{}" href="{}">{}</a></li>\n',
                    " active" if view_name == url_name else "",
                    _active(view_name, url_name),
                    url,
                    item_label,
                )
            )
            continue
        links = format_html_join(
            "",
            '<li><a class="dropdown-item{}{}" href="{}">{}</a></li>',
            (
                (" active" if view_name == url_name else "", _active(view_name, url_name), url, item_label)
                for url_name, url, item_label in entries
            ),
        )
        items.append(
            format_html(
                '        <li class="nav-item dropdown">\n'
                '          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown"'
                ' aria-expanded="false">{}</a>\n'
                '          <ul class="dropdown-menu">\n            {}\n          </ul>\n        </li>\n',
                label,
                links,
            )
        )
    return format_html_join("", "{}", ((item,) for item in items))


def _account(context, csrf: SafeString | str, view_name: str | None) -> SafeString:
    user = context["user"]
    unread = context.get("unread_count")
    badge = (
        format_html(' <span class="badge text-bg-warning" data-testid="unread-count">{}</span>', unread)
        if unread
        else ""
    )
    return format_html(
        '      <ul class="navbar-nav me-auto">\n{}      </ul>\n'
        '      <ul class="navbar-nav">\n'
        '        <li class="nav-item">\n'
        '          <a class="nav-link" href="{}">{}{}</a>\n'
        "        </li>\n"
        '        <li class="nav-item dropdown">\n'
        '          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown"'
        ' aria-expanded="false">{}</a>\n'
        '          <ul class="dropdown-menu dropdown-menu-end">\n'
        '            <li><span class="dropdown-item-text small text-body-secondary">{}</span></li>\n'
        '            <li><a class="dropdown-item" href="{}">{}</a></li>\n'
        "            <li>\n"
        '              <form method="post" action="{}">{}\n'
        '                <button type="submit" class="dropdown-item">{}</button>\n'
        "              </form>\n"
        "            </li>\n"
        "          </ul>\n"
        "        </li>\n"
        "      </ul>\n",
        _menu(context.get("nav_items") or [], view_name),
        fixed_address("notifications"),
        _("Notifications"),
        badge,
        user.get_full_name(),
        user.get_role_display(),
        fixed_address("password_change"),
        _("Change password"),
        fixed_address("logout"),
        csrf,
        _("Sign out"),
    )


def _language_switch(request, csrf: SafeString | str) -> SafeString:
    current = get_language()
    buttons = format_html_join(
        "",
        '\n  <button type="submit" name="language" value="{}" class="btn btn-sm btn-outline-light" lang="{}">{}</button>\n  ',
        ((code, code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES if code != current),
    )
    return format_html(
        '<form class="d-flex ms-lg-3 mt-2 mt-lg-0" action="{}" method="post">{}\n'
        '  <input name="next" type="hidden" value="{}">\n  {}\n</form>\n',
        fixed_address("set_language"),
        csrf,
        request.get_full_path() if request is not None else "",
        buttons,
    )


@register.simple_tag(takes_context=True)
def navbar(context) -> SafeString:
    """The page's navigation bar: brand, help link, menu, notifications, account, language switch."""
    # A page rendered without its request (none does today) gets the bar without forms' tokens,
    # as the template it replaces did.
    request = context.get("request")
    user = context.get("user")
    view_name = getattr(getattr(request, "resolver_match", None), "view_name", None)
    # The page's own masked token (``{{ csrf_token }}``, made once a page) rather than another one.
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token
        else csrf_input(request)
        if request is not None
        else ""
    )
    help_link = (
        format_html(
            '<a class="btn btn-sm btn-light help-link order-lg-last" href="{}" data-testid="help-link"{}>{}</a>',
            fixed_address("help"),
            _CURRENT_HELP if view_name == "help" else "",
            _("Need help right now?"),
        )
        if context.get("show_help_link")
        else ""
    )
    signed_in = user is not None and user.is_authenticated
    return format_html(
        '<nav class="navbar navbar-expand-lg bg-primary" data-bs-theme="dark" aria-label="{}">\n'
        '  <div class="container">\n'
        '    <a class="navbar-brand" href="{}">{}</a>\n'
        "    {}\n"
        '    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav"'
        ' aria-controls="main-nav" aria-expanded="false" aria-label="{}">\n'
        '      <span class="navbar-toggler-icon"></span>\n'
        "    </button>\n"
        '    <div class="collapse navbar-collapse" id="main-nav">\n'
        "{}"
        "      {}"
        "    </div>\n"
        "  </div>\n"
        "</nav>\n",
        _("Main navigation"),
        fixed_address("home"),
        context.get("office_name") or _("School Counseling Office"),
        help_link,
        _("Toggle navigation"),
        _account(context, csrf, view_name) if signed_in else _SIGNED_OUT,
        _language_switch(request, csrf),
    )
