"""The shipped HDS policy pack: one YAML file per policy (installed as hdslint.policies)."""
