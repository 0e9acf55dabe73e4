"""Tests of clinical documentation."""
