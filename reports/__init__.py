"""Rendering: console tables, plots, HTML and Markdown reports, atomic files."""
