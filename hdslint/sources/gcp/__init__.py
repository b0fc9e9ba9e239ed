"""Live Google Cloud (`hdslint gcp`): Cloud Asset Inventory read through the Cloud Asset
client (the `gcp` extra), read-only. Its assets are read by the offline reader
(`hdslint.sources.exports.gcp`), so that a live scan and its saved inventory agree."""
