"""Turns vendor technical guides into clean, typed, validated records.

Data walks one way: decode -> parse -> normalize -> validate -> write.
Only a run (``pipeline.run``, started by ``pipeline.__main__``) reads ``sources/``
and writes ``outputs/``.
"""

PIPELINE_VERSION = "0.1.0"
