"""msglint: a marketing-message authenticity linter."""

__version__ = "0.1.0"


def lint_text(text, **kwargs):
    """Check one message; see msglint.api.lint_text."""
    from .api import lint_text as _lint_text

    return _lint_text(text, **kwargs)


def lint_texts(texts, **kwargs):
    """Check many messages in one batched pass; see msglint.api.lint_texts."""
    from .api import lint_texts as _lint_texts

    return _lint_texts(texts, **kwargs)


__all__ = ["__version__", "lint_text", "lint_texts"]
