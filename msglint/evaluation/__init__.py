"""Scoring the rules against labelled messages: the dev-set JSONL format and our corpora."""
