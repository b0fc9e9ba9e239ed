from __future__ import annotations

import pickle

from hdslint.causes import about_of, because, causes_of, innermost, short
from hdslint.ids import ResourceKey


def test_a_chain_reads_as_it_always_did_and_keeps_its_causes() -> None:
    inner = because("variable 'region' of module.a = var.r", "var.r is only known after apply")
    reason = because("the destination is not known", inner, parenthesised=True)
    assert reason == (
        "the destination is not known (variable 'region' of module.a = var.r: var.r is only"
        " known after apply)"
    )
    assert causes_of(reason) == (
        "the destination is not known",
        "variable 'region' of module.a = var.r",
        "var.r is only known after apply",
    )
    assert innermost(reason) == "var.r is only known after apply"
    assert short(reason) == "the destination is not known: var.r is only known after apply"


def test_text_is_never_split_an_arn_stays_whole() -> None:
    arn = "arn:aws:backup:us-east-1:123456789012:backup-vault:dr"
    assert causes_of(f"is copied to {arn}: x") == (f"is copied to {arn}: x",)
    assert short(because(f"is copied to {arn}", "us-east-1 is outside the EEA")) == (
        f"is copied to {arn}: us-east-1 is outside the EEA"
    )


def test_the_resource_a_reason_is_about_travels_with_it() -> None:
    key = ResourceKey("root", "aws_s3_bucket.copy")
    reason = because("replicates to aws_s3_bucket.copy", "the region is not known", about=key)
    assert about_of(reason) == key
    assert about_of(because("outer", reason)) == key
    assert about_of("plain") is None
    copied = pickle.loads(pickle.dumps(reason))
    assert (copied, causes_of(copied), about_of(copied)) == (reason, causes_of(reason), key)
