"""A stand-in for the provincial legal-aid system: a real HTTP(S) server for tests and demos."""
