"""The web surface: JSON API, pages and FHIR, thin shells over the domain packages."""
