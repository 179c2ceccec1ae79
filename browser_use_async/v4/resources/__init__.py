"""The v4 API's operations, one module per group."""
