"""The one redaction rule: which attribute names and which values are secrets.

Every source asks here before it keeps an attribute, so that no finding, message or report
(whatever a custom policy's condition compares) can carry a password, a credential, a
connection string, a SAS token or a private key. Sources decide what to do with a secret
(Terraform drops the argument, as it never matters to a policy; Kubernetes keeps the key
with the value `<redacted>`), never which ones are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"

# Attribute names, compared without case, `_`, `-` or `.`: `connection_string`,
# `primaryConnectionString` and `connection-string` are one name.
_SECRET_NAME = re.compile(
    r"password|passwd|passphrase|secret|token|credential|connectionstring|privatekey"
    r"|accesskey|apikey|accountkey|sharedkey|masterkey|sas(?:token|url|uri|key)?$|^sas"
)
_SEPARATORS = re.compile(r"[-_.\s]")

# Values that are secrets whatever their name: a PEM private key, a URL with a SAS signature
# (`sig=`), a connection string with a password or an account key, a URL with a password.
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"
    r"|[?&]sig=[^&\s]"
    r"|(?:^|;)\s*(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*="
    r"|://[^/\s:@]+:[^/\s@]+@",
    re.IGNORECASE,
)


def is_secret_key(name: str) -> bool:
    """Whether an attribute of this name holds a secret."""
    return _SECRET_NAME.search(_SEPARATORS.sub("", name).lower()) is not None


def is_secret_value(text: str) -> bool:
    """Whether a string is a secret whatever its name."""
    return _SECRET_VALUE.search(text) is not None


def redact_values(value: Any) -> Any:
    """`value` with every secret string replaced by REDACTED (lists and mappings walked, the
    values under secret names redacted too). Other values are returned as they are."""
    if isinstance(value, str):
        return REDACTED if is_secret_value(value) else value
    if isinstance(value, Mapping):
        if not value:
            return value
        return {
            k: REDACTED
            if is_secret_key(str(k)) and not isinstance(v, Mapping | list)
            else redact_values(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_values(v) for v in value] if value else value
    return value
