"""Pure domain rules: no Django imports, no database access."""
