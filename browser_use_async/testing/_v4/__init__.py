"""The fake cloud's API v4: its state (`state`), how runs go (`lifecycle`) and its routes.

The routes are gathered in `routes` (not here: `_state` imports `state`, and the routes import
`_state`).
"""
