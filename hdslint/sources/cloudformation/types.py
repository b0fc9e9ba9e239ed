"""What the catalogue says of a CloudFormation or SAM resource type: the normalised
resource of its Terraform equivalent (hdslint/catalogue/cloudformation.yaml)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint import catalogue


@dataclass(frozen=True, slots=True)
class TypeSpec:
    terraform: str | None
    service: str | None
    category: str
    activities: tuple[int, ...]
    presumed: bool
    stores_data: bool
    names: tuple[str, ...]
    flows: tuple[Mapping[str, Any], ...]
    known: bool


def _service_of(native_type: str) -> str:
    """`AWS::S3::Bucket` -> `aws:s3`: a type the catalogue does not know keeps its service."""
    parts = native_type.split("::")
    return f"aws:{parts[1].lower()}" if len(parts) == 3 else f"aws:{native_type}"


@functools.cache
def type_spec(native_type: str) -> TypeSpec:
    raw = catalogue.load("cloudformation")["cloudformation_types"].get(native_type)
    entry: Mapping[str, Any] = {"terraform": raw} if isinstance(raw, str) else (raw or {})
    terraform = entry.get("terraform")
    info = catalogue.type_info("terraform", terraform, "aws") if terraform else None
    known_info = info if info is not None and info.known else None
    category = entry.get("category") or (known_info.category if known_info else "other")
    activities = entry.get("activities")
    if activities is None:
        activities = known_info.activities if known_info else catalogue.activities_for(category)
    return TypeSpec(
        terraform=terraform,
        service=entry.get("service")
        or (known_info.service if known_info else None)
        or _service_of(native_type),
        category=category,
        activities=tuple(activities),
        presumed=bool(entry.get("presumed", known_info.presumed if known_info else True)),
        stores_data=bool(known_info is not None and known_info.stores_data is True),
        names=tuple(entry.get("names", ())),
        flows=tuple(entry.get("flows", ())),
        known=raw is not None,
    )
