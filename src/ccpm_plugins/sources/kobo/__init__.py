"""The ``kobo`` survey source and the ``ccpm kobo`` commands, for KoboToolbox.

The plugin module is :mod:`ccpm_plugins.sources.kobo.source`. It imports the
other modules inside its functions, because the command line loads every
plugin when it starts. Each of them contains one concept:

- ``client``: calls to the KoboToolbox API;
- ``form_content``: the mapping of a deployed form onto the questionnaire;
- ``metadata``: the submission fields that never reach an output;
- ``submission_columns`` and ``submissions``: pages of submissions collected
  as columns, and the response table built from them;
- ``exclusions``: superseded edits and unapproved submissions;
- ``export_files``: CSV and XLSX files exported from KoboToolbox;
- ``download``: the steps of reading a project through the API;
- ``deployment`` and ``commands``: deploying and closing the survey.
"""

__all__: list[str] = []
