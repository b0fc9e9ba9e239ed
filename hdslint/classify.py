"""Which resources hold health data: presumed, tagged, or reached by a data flow.

With `health_data.default: true` (the default) every data store is presumed to hold health
data. With `default: false`, the tags or labels in `health_data.tags` decide. Either way a
replica, copy or backup of health data is health data: the classification follows data-flow
edges.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from hdslint.graph import ResourceGraph
from hdslint.ids import ResourceKey
from hdslint.model import DATA_FLOW_EDGES, REVERSE_DATA_FLOW_EDGES, Resource

# key -> True (health data), False (not), None (cannot tell: e.g. its tags are unknown)
Classification = dict[ResourceKey, bool | None]


def _tag_match(resource: Resource, tags: Mapping[str, list[str]]) -> bool:
    for key, values in tags.items():
        actual = resource.tags.get(key)
        if actual is None:
            continue
        wanted = {str(v).lower() for v in values}
        if not wanted or str(actual).lower() in wanted:
            return True
    return False


def _tags_unknown(resource: Resource, tags: Mapping[str, list[str]]) -> str | None:
    """Why the health-data tags of a resource cannot be read, if they cannot: the whole tag
    map is unknown, or one of the health-data tag keys has an unknown value."""
    if "tags" in resource.unknown:
        return resource.unknown["tags"]
    for key in tags:
        reason = resource.unknown.get(f"tags.{key}")
        if reason is not None:
            return reason
    return None


def classify(
    graph: ResourceGraph, *, default: bool, tags: Mapping[str, list[str]]
) -> tuple[Classification, dict[ResourceKey, str]]:
    """Classify every resource; return the verdicts and, per health-data resource, why."""
    verdict: Classification = {}
    why: dict[ResourceKey, str] = {}
    for resource in graph:
        if _tag_match(resource, tags):
            verdict[resource.key] = True
            why[resource.key] = "tagged as health data"
        elif not resource.is_data_store:
            verdict[resource.key] = False
        elif default and resource.presumed_health_data:
            verdict[resource.key] = True
            why[resource.key] = "presumed (health_data.default is true)"
        elif (reason := _tags_unknown(resource, tags)) is not None:
            verdict[resource.key] = None
            why[resource.key] = f"its tags are not known: {reason}"
        else:
            verdict[resource.key] = False
    # A replica, copy or backup of health data is health data.
    queue = deque(rid for rid, v in verdict.items() if v)
    while queue:
        rid = queue.popleft()
        for edge in graph.out_edges(rid, DATA_FLOW_EDGES):
            if edge.target_key is not None:
                _mark(graph, verdict, why, edge.target_key, rid, queue)
        for edge in graph.in_edges(rid, REVERSE_DATA_FLOW_EDGES):
            _mark(graph, verdict, why, edge.source, rid, queue)
    return verdict, why


def _mark(
    graph: ResourceGraph,
    verdict: Classification,
    why: dict[ResourceKey, str],
    target: ResourceKey,
    origin: ResourceKey,
    queue: deque[ResourceKey],
) -> None:
    if target in graph and verdict.get(target) is not True:
        verdict[target] = True
        why[target] = f"receives health data from {origin.id}"
        queue.append(target)
