"""Exports of a plan (or a scenario's own publishing profile) for real deployment tools."""
