from __future__ import annotations

import pytest

from hdslint.sources.terraform.hcl import HclSyntaxError, parse


def test_blocks_keep_labels_lines_and_attribute_source() -> None:
    body = parse(
        'provider "aws" {\n'
        '  alias  = "us"\n'
        "  region = var.region\n"
        "}\n"
        "\n"
        'resource "aws_s3_bucket" "b" {\n'
        "  versioning {\n"
        "    enabled = true\n"
        "  }\n"
        "}\n"
    )
    (ptype, plabels, pbody, pline, pend), (rtype, rlabels, rbody, rline, rend) = body["blocks"]
    assert (ptype, plabels, pline, pend) == ("provider", ("aws",), 1, 4)
    assert pbody["attrs"]["alias"] == (("lit", "us"), 2, '"us"')
    assert pbody["attrs"]["region"] == (("attr", ("var", "var"), "region"), 3, "var.region")
    assert (rtype, rlabels, rline, rend) == ("resource", ("aws_s3_bucket", "b"), 6, 10)
    assert rbody["blocks"] == [
        ("versioning", (), {"attrs": {"enabled": (("lit", True), 8, "true")}, "blocks": []}, 7, 9)
    ]


@pytest.mark.parametrize(
    ("source", "expr"),
    [
        ('"eu-west-3"', ("lit", "eu-west-3")),
        ('"${var.r}"', ("tpl", (("attr", ("var", "var"), "r"),))),
        (
            '"phi-${var.r}-x"',
            ("tpl", (("lit", "phi-"), ("attr", ("var", "var"), "r"), ("lit", "-x"))),
        ),
        ('"a\\nb$${x}"', ("lit", "a\nb${x}")),
        ("3", ("lit", 3)),
        ("1.5", ("lit", 1.5)),
        ("null", ("lit", None)),
        ("!true", ("un", "!", ("lit", True))),
        ("a.b[0].c", ("attr", ("idx", ("attr", ("var", "a"), "b"), ("lit", 0)), "c")),
        ("x[*].id", ("splat", ("var", "x"), (("attr", "id"),))),
        ("f(a, b...)", ("call", "f", (("var", "a"), ("var", "b")), True)),
        ("c ? 1 : 2", ("cond", ("var", "c"), ("lit", 1), ("lit", 2))),
        ("1 + 2 * 3", ("bin", "+", ("lit", 1), ("bin", "*", ("lit", 2), ("lit", 3)))),
        ("{ a = 1, (k) = 2 }", ("obj", ((("lit", "a"), ("lit", 1)), (("var", "k"), ("lit", 2))))),
        (
            '[for s in l : upper(s) if s != ""]',
            (
                "for",
                None,
                "s",
                ("var", "l"),
                None,
                ("call", "upper", (("var", "s"),), False),
                ("bin", "!=", ("var", "s"), ("lit", "")),
                False,
            ),
        ),
        (
            "{for k, v in m : k => v...}",
            ("for", "k", "v", ("var", "m"), ("var", "k"), ("var", "v"), None, True),
        ),
        ("<<EOT\nhello\nEOT\n", ("lit", "hello\n")),
        ("<<-EOT\n    a\n      b\n    EOT\n", ("lit", "a\n  b\n")),
        ('"%{if x}y%{endif}"', ("unknown", "a string template with %{ } directives")),
    ],
)
def test_expressions(source: str, expr: tuple[object, ...]) -> None:
    assert parse(f"v = {source}\n")["attrs"]["v"][0] == expr


def test_multiline_conditionals_and_crlf_parse() -> None:
    text = 'v = (\r\n  var.a\r\n  ? "x"\r\n  : "y"\r\n)\r\n'
    assert parse(text)["attrs"]["v"][0] == (
        "cond",
        ("attr", ("var", "var"), "a"),
        ("lit", "x"),
        ("lit", "y"),
    )


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('resource "a" "b" {\n  x = \n}\n', "unexpected '}'", 2),
        ('resource "a" "b" {\n', "unexpected end of file", 2),
        ("a = 1\nb = @\n", "unexpected '@'", 2),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, message: str, line: int) -> None:
    with pytest.raises(HclSyntaxError) as exc:
        parse(text)
    assert (exc.value.message, exc.value.line) == (message, line)


def test_constructs_terraform_accepts_that_the_grammar_does_not() -> None:
    # A heredoc closing marker followed by spaces (python-hcl2 issue #343).
    body = parse('a = <<EOF\nhello\nEOF  \nb = "x"\n')
    assert body["attrs"]["a"][0] == ("lit", "hello\n")
    assert body["attrs"]["b"][:2] == (("lit", "x"), 4)
    # Attribute access continued on the next line inside parentheses; later lines keep
    # their numbers.
    body = parse("x = try(\n  var.a\n  .b\n  .c, [])\ny = 1\n")
    assert body["attrs"]["x"][0] == (
        "call",
        "try",
        (("attr", ("attr", ("attr", ("var", "var"), "a"), "b"), "c"), ("tuple", ())),
        False,
    )
    assert body["attrs"]["y"][:2] == (("lit", 1), 5)


def test_a_body_holds_each_name_once_and_says_what_terraform_refuses() -> None:
    """An argument set twice keeps its first value; an argument beside blocks of its name
    (static or dynamic) gives way to the blocks; each is a problem with its line, at any
    depth, listed on the file's top-level body only."""
    body = parse(
        'resource "aws_s3_bucket" "b" {\n'  # 1
        '  bucket  = "first"\n'
        '  bucket  = "second"\n'
        '  logging = "x"\n'
        "  logging {\n"  # 5
        '    target_bucket = "y"\n'
        '    target_bucket = "z"\n'
        "  }\n"
        "  grant = []\n"
        '  dynamic "grant" {\n'  # 10
        "    for_each = []\n"
        "    content {}\n"
        "  }\n"
        "}\n"
    )
    ((_type, _labels, inner, _line, _end),) = body["blocks"]
    assert inner["attrs"] == {"bucket": (("lit", "first"), 2, '"first"')}
    assert [b[0] for b in inner["blocks"]] == ["logging", "dynamic"]
    assert inner["blocks"][0][2]["attrs"] == {"target_bucket": (("lit", "y"), 6, '"y"')}
    assert "problems" not in inner
    assert body["problems"] == [
        (
            3,
            'Duplicate argument: "bucket" was already set at line 2; each argument may be set'
            " only once (hdslint reads the first)",
        ),
        (
            4,
            'Unsupported argument: "logging" is also given as a block at line 5; Terraform'
            " accepts an argument or blocks of one name, never both (hdslint reads the block and"
            " ignores the argument)",
        ),
        (
            7,
            'Duplicate argument: "target_bucket" was already set at line 6; each argument may'
            " be set only once (hdslint reads the first)",
        ),
        (
            9,
            'Unsupported argument: "grant" is also given as a block at line 10; Terraform'
            " accepts an argument or blocks of one name, never both (hdslint reads the block and"
            " ignores the argument)",
        ),
    ]
    assert "problems" not in parse('resource "a" "b" {\n  x = 1\n}\n')
