"""Suppressions, governed: inline comments, the Kubernetes annotation, config waivers and
baseline files (`directives`, `settings`, `baseline`), applied to findings by `apply`."""
