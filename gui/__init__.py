"""Shopwise desktop app: views and thin workers over the engine."""
