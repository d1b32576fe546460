"""Where copywriters write: the language server (`msglint lsp`) and the playground (`msglint serve`)."""
