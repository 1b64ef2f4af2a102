"""Report renderers: DOCX, Markdown, HTML, XLSX and PDF, with their charts and styles."""

__all__: list[str] = []
