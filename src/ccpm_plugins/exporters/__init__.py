"""Questionnaire exporters: codebook JSON, CSV template, XLSForm and LimeSurvey files."""

__all__: list[str] = []
