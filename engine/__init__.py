"""Shopwise engine: the whole product without a screen. Never imports Qt."""
