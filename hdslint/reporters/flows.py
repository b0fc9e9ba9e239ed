"""Health-data flows for reports: which stores send copies of health data where, and a
Mermaid diagram of them (GitHub renders Mermaid in Markdown and job summaries)."""

from __future__ import annotations

from dataclasses import dataclass

from hdslint.ids import Destination, ResourceKey
from hdslint.model import DATA_FLOW_EDGES, REVERSE_DATA_FLOW_EDGES, EdgeKind, Resource, Status
from hdslint.policy.conditions import edge_targets
from hdslint.printable import printable
from hdslint.registry import Verdict
from hdslint.result import ScanResult

FLOW_POLICIES = ("HDS-FLOW-001", "HDS-FLOW-002")


@dataclass(frozen=True)
class Flow:
    source: ResourceKey
    source_label: str
    target: Destination
    target_label: str
    kind: EdgeKind
    compliant: bool | None  # None: the destination or its status is not known


def _label(result: ScanResult, key: ResourceKey) -> str:
    resource = result.graph.get(key)
    if resource is None:
        return key.id
    where = resource.region or "region unknown"
    return f"{resource.id} ({resource.provider or '?'} {where})"


def health_data_flows(result: ScanResult) -> list[Flow]:
    """Every data-flow edge leaving a health-data resource, with whether the flow policies
    found it compliant (judged on the source: a failing flow policy marks its flows)."""
    failing: dict[ResourceKey, bool | None] = {}
    for e in result.evaluations:
        if e.policy.id in FLOW_POLICIES and e.status is not Status.PASS:
            key = e.resource.key
            value = False if e.status is Status.FAIL else None
            failing[key] = False if failing.get(key) is False else value
    flows: list[Flow] = []
    for edge in result.graph.edges:
        source: ResourceKey
        target: Destination
        if edge.kind in DATA_FLOW_EDGES:
            source, target = edge.source, edge.target
        elif edge.kind in REVERSE_DATA_FLOW_EDGES and edge.target_key is not None:
            # A read replica receives from its source.
            source, target = edge.target_key, edge.source
        else:
            continue
        if not result.health.get(source):
            continue
        src = result.graph.get(source)
        if src is None:
            continue
        targets = edge_targets(
            edge, src, "out" if edge.kind in DATA_FLOW_EDGES else "in", result.graph
        )
        if isinstance(targets, str):
            label, compliant = f"unknown destination ({targets})", None
        else:
            label = ", ".join(
                f"{t.id} ({t.provider or '?'} {t.region or 'region unknown'})" for t in targets
            )
            compliant = _flow_compliant(result, source, targets)
        flows.append(Flow(source, _label(result, source), target, label, edge.kind, compliant))
    return flows


def _flow_compliant(
    result: ScanResult, source: ResourceKey, targets: list[Resource]
) -> bool | None:

    verdicts = []
    for t in targets:
        answer = result.registry.eea(t.provider, t.region)
        if answer.verdict is Verdict.COVERED:
            cover = result.registry.coverage(t.provider, t.service, t.region, t.activities)
            verdicts.append(
                True
                if cover.verdict is Verdict.COVERED
                else False
                if cover.verdict is Verdict.NOT_COVERED
                else None
            )
        else:
            verdicts.append(False if answer.verdict is Verdict.NOT_COVERED else None)
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


_VERBS = {
    EdgeKind.REPLICATES_TO: "replicates to",
    EdgeKind.BACKS_UP_TO: "backs up to",
    EdgeKind.COPIES_TO: "copies to",
    EdgeKind.LOGS_TO: "logs to",
    EdgeKind.READS_FROM: "read replica",
}


def _node_id(key: object, ids: dict[object, str]) -> str:
    if key not in ids:
        ids[key] = f"n{len(ids)}"
    return ids[key]


def _text(label: str) -> str:
    """A node label that stays one node: on one line (a newline could end the Mermaid block
    in a job summary and start Markdown of its own), no quote or bracket that closes the
    node, no backtick that turns it into a Markdown string."""
    line = printable(label)
    return line.replace('"', "'").replace("[", "(").replace("]", ")").replace("`", "'")


def mermaid(result: ScanResult) -> str:
    """A `flowchart LR` of health-data flows; non-compliant edges are red and dashed,
    unknown ones orange. Empty string when there is no flow."""
    flows = health_data_flows(result)
    if not flows:
        return ""
    ids: dict[object, str] = {}
    lines = ["flowchart LR"]
    styles: list[str] = []
    for i, flow in enumerate(flows):
        a = _node_id(flow.source, ids)
        # A place outside the graph is drawn once per store that sends data there.
        owner = None if isinstance(flow.target, ResourceKey) else flow.source
        b = _node_id((owner, flow.target, flow.target_label), ids)
        verb = _VERBS[flow.kind]
        mark = {True: "", False: " ✗", None: " ?"}[flow.compliant]
        arrow = "-->" if flow.compliant else "-.->"
        lines.append(
            f'  {a}["{_text(flow.source_label)}"] {arrow}|{verb}{mark}| '
            f'{b}["{_text(flow.target_label)}"]'
        )
        if flow.compliant is False:
            styles.append(f"  linkStyle {i} stroke:#d00,stroke-width:2px")
        elif flow.compliant is None:
            styles.append(f"  linkStyle {i} stroke:#e80")
    return "\n".join(lines + styles) + "\n"
