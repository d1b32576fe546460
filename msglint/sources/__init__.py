"""Reading what the user gives: files and standard input, formats, templates, directives, declared context."""
