"""Pinpoint: dry needling for back and neck pain, from state law to outcomes."""

__version__ = "0.1.0"
