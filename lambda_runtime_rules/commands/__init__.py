"""One module per CLI sub-command; ``cli.py`` parses arguments and imports only the one it runs."""
