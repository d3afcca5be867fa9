"""Every command has help that ends with an example, and is documented in docs/cli.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from topicclf.cli import COMMANDS, main

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def help_text(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_ends_with_an_example(capsys, command):
    text = help_text(capsys, *filter(None, [command]))
    last = text.rstrip().split("\n\n")[-1].splitlines()
    assert last[0] == "Example:"
    assert len(last) == 2
    assert last[1].startswith(f"  topicclf {command}".rstrip() + " ") or \
        last[1].startswith("  python -c ")


def test_the_command_list_names_every_command(capsys):
    text = help_text(capsys)
    for command in COMMANDS:
        assert re.search(rf"^    {command}\s+\S", text, re.M), command


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_and_option_is_in_the_cli_doc(capsys, command):
    doc = CLI_DOC.read_text(encoding="utf-8")
    assert re.search(rf"^## .*`topicclf {command}`", doc, re.M)
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text(capsys, command)))
    missing = sorted(o for o in options - {"--help"} if f"`{o}" not in doc)
    assert missing == []
