"""The workflow's pages, one module per area."""
