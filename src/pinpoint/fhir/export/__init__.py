"""Bulk Data export (FHIR Bulk Data Access IG v2): NDJSON files, one per resource type.

- ``params``: the kick-off parameters, checked (pure).
- ``streams``: a clinic's or the directory's resources, generated batch by batch.
- ``ndjson``: writing them as files while they are generated (memory stays flat).
- ``jobs``: export jobs in the database, so any web worker can answer for them.
- ``runner``: running a job (in a thread of the worker that accepted it) and writing to a
  folder (the CLI).
"""
