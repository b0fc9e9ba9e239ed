"""`hdslint aws` reads the configuration as `scan` does: `--no-repo-config` keeps a
`.hdslint.yaml` found upward from the working folder out (issue #13), and the report's
provenance says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sources.aws.conftest import hooked_session, seed_account


@pytest.mark.usefixtures("aws_env")
def test_no_repo_config_keeps_the_working_folders_configuration_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hdslint.commands.aws import AwsOptions, run

    (tmp_path / ".hdslint.yaml").write_text("health_data:\n  default: false\n")
    monkeypatch.chdir(tmp_path)
    seed_account()

    def provenance(**options: object) -> dict[str, object]:
        settings = AwsOptions(regions=("eu-west-3",), fail_on="none", formats=("json",))
        settings = AwsOptions(**{**settings.__dict__, **options})
        assert run(settings, session=hooked_session()) == 0
        document: dict[str, object] = json.loads(capsys.readouterr().out)["provenance"]
        return {k: document[k] for k in ("config_file", "repository_config_ignored")} | {
            "health_data_default": document["health_data_default"]
        }

    assert provenance() == {
        "config_file": str(tmp_path / ".hdslint.yaml"),
        "repository_config_ignored": False,
        "health_data_default": False,
    }
    assert provenance(repository_config=False) == {
        "config_file": None,
        "repository_config_ignored": True,
        "health_data_default": True,
    }
