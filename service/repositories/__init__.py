"""Database access: one function per query, each taking a connection."""
