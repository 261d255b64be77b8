"""The request/response log of `acgsim serve`: one JSON line per request, never a credential.

Each record holds the request's sequence number, its simulated time `t`, method, path,
api-version, the client (the User-Agent's first product token), the status answered, Azure's error
code if any, the Retry-After sent, and for long-running operations the operation's id (`op`, on the
PUT that started it and on every poll) with, on a poll, its kind, state, start and end in simulated
seconds. Headers and bodies are not logged (the Authorization header is read by nothing and stored
nowhere). `acgsim report trace.jsonl` renders the log (acgsim.reports.servetrace).
The last `keep` records stay in memory for /acgsim/trace; with a file, every record is appended
to it as JSON Lines, up to `max_records`, after which one last line says the log stopped.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import IO


class Trace:
    """A bounded log of requests, in memory and optionally in a JSON Lines file."""

    def __init__(self, path: Path | None = None, keep: int = 10_000, max_records: int = 1_000_000):
        self.recent: deque[dict] = deque(maxlen=keep)
        self.count = 0
        self.max_records = max_records
        self._file: IO[str] | None = path.open("a", encoding="utf-8") if path else None
        self.path = path

    def record(self, **fields: object) -> dict:
        """Log one request's answer; returns the record."""
        self.count += 1
        row = {"seq": self.count, **{k: v for k, v in fields.items() if v not in (None, "")}}
        self.recent.append(row)
        if self._file is not None:
            if self.count <= self.max_records:
                self._file.write(json.dumps(row, sort_keys=True) + "\n")
                self._file.flush()
            elif self.count == self.max_records + 1:
                self._file.write(json.dumps({"stopped": self.max_records}) + "\n")
                self._file.flush()
        return row

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
