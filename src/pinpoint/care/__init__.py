"""Clinical documentation: patients, episodes, screening, consent, sessions, adverse events."""
