"""marshmallow schemas: query arguments, request bodies and documented responses."""
