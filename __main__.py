"""`acgsim` and `python -m acgsim`: answer --version at once, otherwise hand over to the CLI.

The version needs no command-line framework, so it is printed before Typer (and, through the
commands, numpy, SimPy and pydantic) is imported; everything else goes to `acgsim.cli.app`.
"""

import sys


def main() -> None:
    """Run the acgsim command line."""
    if sys.argv[1:] == ["--version"]:
        from acgsim import __version__

        print(f"acgsim {__version__}")
        return
    from acgsim.cli import app

    app(prog_name="acgsim")


if __name__ == "__main__":
    main()
