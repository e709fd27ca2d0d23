"""Coercion, validation, storage, receipts and delivery of submissions."""
