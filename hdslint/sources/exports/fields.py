"""What the field readers of cloud exports share.

Each export's reader (ARM, Cloud Asset Inventory, AWS Config) is the `FieldReader` of
hdslint/sources/flows.py for one exported resource; they differ only in where a catalogue
path leads (`_at`), which exported resource a reference names (`_find`) and what a reference
to something outside the export says of its region (`_outside`).
"""

from __future__ import annotations

from typing import Any

from hdslint.ids import Destination, ResourceKey, UnknownDestination
from hdslint.model import Unknown


class ExportFields:
    region: str | None
    no_region = "the export gives no location for it"

    def _at(self, path: str) -> list[Any] | Unknown:
        raise NotImplementedError

    def _find(self, value: Any) -> ResourceKey | None:
        raise NotImplementedError

    def _outside(self, text: str) -> Destination | None:
        """A destination outside the export whose region its text tells, else None."""
        return None

    def values(self, path: str) -> list[Any]:
        found = self._at(path)
        return [found] if isinstance(found, Unknown) else found

    def present(self, path: str) -> bool:
        found = self._at(path)
        return isinstance(found, Unknown) or bool(found)

    def subjects(self, path: str) -> list[ResourceKey]:
        found = self._at(path)
        if isinstance(found, Unknown):
            return []
        return [key for key in map(self._find, found) if key is not None]

    def targets(self, path: str) -> list[Destination]:
        found = self._at(path)
        if isinstance(found, Unknown):
            return [UnknownDestination(f"where {path} sends data is not known ({found.reason})")]
        out: list[Destination] = []
        for value in found:
            destination = self._find(value) or self._outside(str(value))
            out.append(
                destination
                if destination is not None
                else UnknownDestination(f"{value} is not in the export: its region is not known")
            )
        return out

    def own_region(self) -> str | Unknown | None:
        if self.region is not None:
            return self.region
        return Unknown(self.no_region)
