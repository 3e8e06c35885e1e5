"""The instrument library: list, detail (with the notice), import, the in-app builder, export."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.forms import InstrumentImportForm, QuestionnaireBuilderForm
from archives.models import Instrument, InstrumentSource
from archives.services import definition as definitions
from archives.services import library
from archives.texts import localized
from counseling.decorators import require_perm

FORMAT_DOC = Path(__file__).resolve().parent.parent / "instruments" / "README.md"


@require_perm("archives.manage_instruments")
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = Instrument.objects.order_by("-is_active", "source", "code")
    return render(request, "archives/instrument_list.html", {"instruments": instruments})


@require_perm("archives.manage_instruments")
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    definition = instrument.definition
    items = [
        {
            "number": number,
            "text": localized(item["text"]),
            "type": item["type"],
            "options": [(option["value"], localized(option["label"])) for option in item["options"]],
            "reverse": item["reverse"],
            "scored": item["scored"],
            "critical": item["critical_values"],
            "required": item["required"],
        }
        for number, item in enumerate(definition["items"], start=1)
    ]
    scoring = definition.get("scoring")
    subscales = []
    if scoring:
        numbers = {item["id"]: str(number) for number, item in enumerate(definition["items"], start=1)}
        subscales = [
            {"name": localized(sub["name"]), "items": ", ".join(numbers[i] for i in sub["items"])}
            for sub in scoring["subscales"]
        ]
    context = {
        "instrument": instrument,
        "description": localized(definition.get("description")),
        "instructions": localized(definition.get("instructions")),
        "notice": instrument.notice,
        "items": items,
        "bands": [
            {"code": b["code"], "min": b["min"], "max": b["max"], "label": localized(b["label"]), "level": b["level"]}
            for b in instrument.bands
        ],
        "warning_band": scoring["total"].get("warning_band") if scoring else None,
        "subscales": subscales,
        "languages": definition["languages"],
    }
    return render(request, "archives/instrument_detail.html", context)


@require_perm("archives.manage_instruments")
def instrument_import(request: HttpRequest) -> HttpResponse:
    """Upload a definition file; every problem is listed and nothing is stored unless all is well."""
    form = InstrumentImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = library.import_file(form.cleaned_data["file"].read(), by=request.user, request=request)
        except definitions.DefinitionError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                (_("Instrument “%(name)s” imported.") if saved.created else _("Instrument “%(name)s” replaced."))
                % {"name": saved.instrument.name},
            )
            return redirect("archives:instrument_detail", pk=saved.instrument.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "archives/instrument_import.html", {"form": form, "errors": errors}, status=status)


@require_perm("archives.manage_instruments")
def instrument_build(request: HttpRequest) -> HttpResponse:
    """Build a simple questionnaire (with or without scores) in the app."""
    form = QuestionnaireBuilderForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = library.save_definition(
                    form.definition, source=InstrumentSource.BUILT, by=request.user, request=request
                )
            except definitions.DefinitionError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Questionnaire “%(name)s” created.") % {"name": saved.instrument.name})
                return redirect("archives:instrument_detail", pk=saved.instrument.pk)
        return render(request, "archives/instrument_build.html", {"form": form}, status=400)
    return render(request, "archives/instrument_build.html", {"form": form})


@require_perm("archives.manage_instruments")
def instrument_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument's definition as a JSON file, to share with another office or edit and re-import."""
    instrument = get_object_or_404(Instrument, pk=pk)
    response = HttpResponse(definitions.dumps(instrument.definition), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{instrument.code}.json"'
    return response


@require_perm("archives.manage_instruments")
@require_POST
def instrument_retire(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    library.retire(instrument, by=request.user, request=request)
    messages.success(request, _("“%(name)s” is no longer offered for new screenings.") % {"name": instrument.name})
    return redirect("archives:instrument_detail", pk=instrument.pk)


@require_perm("archives.manage_instruments")
def instrument_format(request: HttpRequest) -> HttpResponse:
    """The definition format, as documented in archives/instruments/README.md (README.zh-hans.md
    in Chinese), with an example."""
    example = (FORMAT_DOC.parent / "examples" / "class_climate.json").read_text(encoding="utf-8")
    document = FORMAT_DOC
    if not (get_language() or "").startswith("en"):
        document = FORMAT_DOC.with_name("README.zh-hans.md")
    return render(
        request,
        "archives/instrument_format.html",
        {"document": document.read_text(encoding="utf-8"), "example": example},
    )
