"""The batch runner behind `tasks.run_many`: inputs, journal, capacity, polling budget, progress."""
