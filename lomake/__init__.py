"""Lomake: schema-driven e-forms for public agencies."""

__version__ = "0.1.0"
