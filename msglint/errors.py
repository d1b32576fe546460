"""The one exception type the command line turns into a one-line error and exit code 2."""


class MsglintError(Exception):
    """A problem with what the user gave us (input, options, config, rule files).

    The message is shown as is, on one line, so it must name the file and the field at fault.
    """
