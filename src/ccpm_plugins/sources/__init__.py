"""Survey sources: CSV files, KoboToolbox and LimeSurvey."""

__all__: list[str] = []
