"""Clinics, user accounts, roles, passwords and tokens."""
