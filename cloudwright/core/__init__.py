"""The lowest layer: errors and exit codes, atomic file output, the YAML loader.

Everything else may import these; they import nothing of Cloudwright's.
"""
