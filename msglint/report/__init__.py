"""Output formats: each module renders a list of Results to a string."""

from . import json_report, text

FORMATS = {"text": text.render, "json": json_report.render}
