"""Command-line options that choose how responses are scored, shared by the scoring commands."""

from __future__ import annotations

import click

__all__ = ["STRATEGY_CHOICES", "partners_only_option", "strategy_option"]

STRATEGY_CHOICES = ("median", "mean-of-item-means")

strategy_option = click.option(
    "--strategy",
    type=click.Choice(STRATEGY_CHOICES),
    default="median",
    show_default=True,
    help="Scoring strategy: median of respondent means, or mean of item means.",
)
partners_only_option = click.option(
    "--partners-only",
    is_flag=True,
    help="Leave coordinators out of the pooled scores (they are still shown apart).",
)
