"""FHIR import: a clinic moving its records in (an NDJSON folder or a Bundle).

- ``load``: reading the files into units (an NDJSON file, or a whole Bundle), each
  resource with its FHIR path (``Patient[3]``, ``Bundle.entry[7].resource``).
- ``convert``: one resource -> the care input shape it stands for (pure); problems are
  reported with the FHIR path of the element.
- ``run``: the import itself: units in dependency order, each all or nothing.
"""
