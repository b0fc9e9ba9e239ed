"""The Lark parsers that turn HCL text into a raw parse tree (python-hcl2 8.x's grammar).

Two parsers build the same tree from the same grammar and postlexer:

- `hcl2.api.parses_to_tree` (python-hcl2's public API). Its parser propagates positions to
  every rule, which costs about 45% of the parse (measured in docs/performance.md), and it
  is ready as soon as python-hcl2 has loaded its grammar cache.
- A copy of that parser without position propagation, made once per process from python-
  hcl2's own parser (a Lark save/load round trip in memory, about 0.07 s). The converter in
  hcl.py takes every position from the tokens, which carry them anyway, so both parsers
  give identical syntax trees; the copy pays off once there is more than a few dozen
  kilobytes to parse (see `parsing.FAST_PARSER_MIN_BYTES`).

hcl2 and lark are imported here only, and this module only when something has to be parsed
(hcl.py and parsing.py, the exceptions of tests/test_imports.py): a scan whose files are all
in the parse cache never loads them.
"""

from __future__ import annotations

import functools
from typing import Any

from hcl2.api import parses_to_tree
from hcl2.parser import parser as hcl2_parser
from hcl2.postlexer import PostLexer
from lark import Lark
from lark.exceptions import LarkError as LarkError  # noqa: PLC0414 (for hcl.py)
from lark.exceptions import UnexpectedCharacters as UnexpectedCharacters  # noqa: PLC0414
from lark.exceptions import UnexpectedInput as UnexpectedInput  # noqa: PLC0414
from lark.grammar import Rule
from lark.lexer import TerminalDef


def parse_tree(text: str, *, fast: bool = False) -> Any:
    """Lark's parse tree of `text` (a `start` tree). Raises lark's exceptions."""
    if fast:
        parser = fast_parser()
        if parser is not None:
            # python-hcl2 appends a newline too: its grammar needs one at the end.
            return parser.parse(text + "\n")
    return parses_to_tree(text)


@functools.cache
def fast_parser() -> Any | None:
    """python-hcl2's parser without position propagation, or None if lark cannot copy it."""
    try:
        data, memo = hcl2_parser().memo_serialize([TerminalDef, Rule])
        # Lark.load's own path (it is how lark reads its grammar cache), minus the pickle.
        return Lark._load_from_dict(  # type: ignore[no-untyped-call]
            data, memo, propagate_positions=False, postlex=PostLexer()
        )
    except Exception:  # a lark or python-hcl2 release that works differently: stay correct
        return None
