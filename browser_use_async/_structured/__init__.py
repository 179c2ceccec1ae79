"""Structured output: a JSON schema from an output type (`_schema`), and the task's output
read back into that type (`_output`). Import the modules themselves: this package imports
nothing, so that the codec can read `_types` without importing `_output`, which calls it."""
