"""Reports: plots and self-contained HTML/Markdown for runs, plans and sweeps."""
