"""Policy checks that keep AWS Lambda functions off deprecated runtimes, wrong architectures and Manual mode.

Importing the package does no work: the catalog is loaded on first use (see ``catalog.default_catalog``).
"""

__version__ = "0.1.0"
