"""LimeSurvey: deploy the questionnaire, follow the survey and read its responses.

Modules by concept:

- :mod:`.codes`: the rule between codebook codes and LimeSurvey codes;
- :mod:`.rpc_client`: the RemoteControl 2 JSON-RPC client;
- :mod:`.remote_export`, :mod:`.answer_options`: what is read from a server;
- :mod:`.export_files`: JSON and CSV response exports as tables of text;
- :mod:`.responses`: those tables mapped onto a questionnaire;
- :mod:`.deployment`, :mod:`.commands`: ``ccpm limesurvey deploy`` and ``close``;
- :mod:`.source`: the ``limesurvey`` survey source.

The plugin modules are :mod:`.source` and :mod:`.commands`; nothing heavy is
imported here, because the command line loads the plugins at start-up.
"""

__all__: list[str] = []
