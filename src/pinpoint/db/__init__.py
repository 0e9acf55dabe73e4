"""Storage: engine construction, the declarative base and schema migrations."""
