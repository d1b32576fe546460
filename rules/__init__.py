"""The shipped rule sets. This folder installs as the package `msglint.rules` so the YAML files
travel with msglint; the files themselves are data, read by msglint.ruleset."""
