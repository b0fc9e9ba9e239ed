"""Live Azure (`hdslint azure`): Azure Resource Manager read through the Azure SDK (the
`azure` extra), read-only. The resources it returns are read by the offline reader
(`hdslint.sources.exports.azure`), so that a live scan and its saved inventory agree."""
