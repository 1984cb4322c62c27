"""Checkov external checks folder: ``checkov --external-checks-dir "$(lambda-runtime-rules checkov-dir)"``.

Checkov executes every ``.py`` file here as a top-level module (named after the file) and puts this folder on
``sys.path``; so each file is a tiny shim with an absolute import, named ``lrr_*`` to shadow nothing.
"""
