"""The model: the scenario format, Azure facts as data, and the SimPy engine."""
