"""The rules: loading and validating YAML, word classes, the pattern allow-list, compiling to spaCy matchers."""
