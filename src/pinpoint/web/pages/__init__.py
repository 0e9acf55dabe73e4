"""Server-rendered pages for patients and clinicians."""
