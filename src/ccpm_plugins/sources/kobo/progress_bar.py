"""A progress bar on standard error while submission pages arrive, shown only on a terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Never, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["PageProgress"]


class PageProgress:
    """Shows submissions received out of the server's count, if ``stream`` is a terminal.

    Redirected output (a file, a pipe, a test capture) gets nothing, so logs
    and captured output stay free of bar redraws.
    """

    def __init__(self, description: str, stream: TextIO | None = None) -> None:
        self._description = description
        self._stream = stream if stream is not None else sys.stderr
        isatty = getattr(self._stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._bar: tqdm[Never] | None = None

    def update(self, received: int, total: int) -> None:
        """Show ``received`` submissions out of ``total``."""
        if not self.enabled:
            return
        bar = self._bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(
                total=total,
                desc=self._description,
                unit=" submissions",
                file=self._stream,
                leave=False,
                dynamic_ncols=True,
            )
            self._bar = bar
        if bar.total != total:
            # The count grows when submissions arrive during the download.
            bar.total = total
        bar.update(received - bar.n)

    def close(self) -> None:
        """Remove the bar from the terminal."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> PageProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
