"""hdslint: compliance-as-code for France's HDS (Hébergeur de Données de Santé) rules."""

__version__ = "0.1.0"
