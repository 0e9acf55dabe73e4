"""The practitioner directory: NPPES import, training credentials, eligibility, radius search."""
