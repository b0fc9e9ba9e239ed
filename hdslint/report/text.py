"""Wording shared by the report's renderers, so that Markdown and HTML say the same thing."""

from __future__ import annotations

from hdslint.report.model import Report

SECTION_TITLES = {
    "stores": "Where health data is stored",
    "accounts": "By cloud account, subscription or project",
    "activities": "Activities and the certificates that cover them",
    "certificates": "Certificates",
    "responsibilities": "Responsibilities left to the customer",
    "flows": "Health-data flows",
    "findings": "Findings",
    "to_confirm": "Conditions to confirm",
    "not_evaluated": "Not evaluated",
    "suppressed": "Suppressions",
    "errors": "Inputs that could not be read",
    "warnings": "Warnings",
    "policies": "Checks run",
    "about": "About this report",
}

VERDICT_WORDS = {"covered": "covered", "not_covered": "NOT covered", "cannot_tell": "cannot tell"}
# Short marks for the activity columns of the usage table.
VERDICT_MARKS = {"covered": "yes", "not_covered": "NO", "cannot_tell": "?"}
# Plain text (no Markdown markup): the HTML page shows these as they are.
VERDICT_LEGEND = (
    "In the activity columns: yes = the provider's certificate covers it; NO = it does not;"
    " ? = cannot tell (the reason is given); empty = the resources do not rely on a host for"
    " that activity."
)

ACTIVITIES_NOTE = (
    "For each HDS activity (art. R.1111-9 CSP), the providers, services and regions the"
    " scanned infrastructure relies on, and how many of those the provider's certificate"
    " covers; then the same by provider, service and region, with the reasons. Certificates"
    " are detailed in the next section."
)

FLOWS_NOTE = (
    "Replications, copies, read replicas and backups of health data found in the inputs, one"
    " row per flow. A non-compliant flow leaves the EEA or reaches a host no certificate"
    " covers (HDS-FLOW-001, HDS-FLOW-002); unknown: where it goes, or whether that is"
    " covered, cannot be told."
)

FINDINGS_NOTE = (
    "Evidence: the registry facts each finding rests on, with their confidence, date and"
    " source (hdslint registry show PROVIDER)."
)
TO_CONFIRM_NOTE = (
    "The host's certificate applies only under a condition the code cannot show (an HDS"
    " contract, an option on the account): confirm it once in .hdslint.yaml"
    " (registry.conditions.confirmed). Not counted as failed."
)
SUPPRESSED_NOTE = (
    "Findings accepted knowingly: each with its reason, its expiry and where the suppression"
    " is written (an inline comment, a Kubernetes annotation, a CloudFormation resource's"
    " Metadata, a waiver in the configuration, a baseline file). They are counted, not failed."
)
WARNINGS_NOTE = "Suppressions that matched no finding: stale, or not where they should be."

ABOUT = (
    "hdslint reads infrastructure code and inventories without running them, and judges"
    " each resource against a registry of HDS certificates (provider, activities, regions,"
    " services, certifier, validity), each fact with its sources, date and confidence"
    " (hdslint registry show PROVIDER). Every check ends as pass, fail or not evaluated: a"
    " fact hdslint cannot establish is reported, never counted as a pass."
    " Covered means covered according to the registry's sources at the stated confidence:"
    " it does not replace the providers' certificates and your hosting contracts, which the"
    " HDS referential requires you to hold (requirement 17, art. R.1111-11 CSP). The"
    " authoritative list of certified hosts is published by the ANS:"
    " https://esante.gouv.fr/offres-services/hds/liste-des-herbergeurs-certifies"
)


def summary_line(report: Report) -> str:
    """The counts `hdslint scan` prints for the same input, in the same words."""
    resources = f"{report.resources} resources ({report.health_data_resources} with health data)"
    return ", ".join([resources, *report.counts])
