"""acgsim's model: the scenario format and the Azure facts (the engine comes with issue 3)."""

__version__ = "0.1.0"
