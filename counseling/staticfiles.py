"""The static files' storage: whitenoise's compressed manifest, with each file's address worked out
once per process.

``{% static %}`` runs several times on every page (``base.html`` links the style sheets, scripts and
icon); each call looks the name up in the manifest, cleans it and joins it to ``STATIC_URL`` again.
The manifest is read when the process starts and changes only with a new release (``collectstatic``
and a restart), so the answer for a name cannot change while the process runs.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, its ``url()`` remembered by name (a few dozen names at most)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force: bool = False) -> str:
        if force:
            return super().url(name, force=True)
        found = self._urls.get(name)
        if found is None:
            found = super().url(name)  # raises for a name the manifest lacks, as before; not kept
            if len(self._urls) < 1024:
                self._urls[name] = found
        return found
