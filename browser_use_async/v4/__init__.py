"""The Browser Use Cloud API v4 (runs, events, sessions as conversations, workspaces)."""
