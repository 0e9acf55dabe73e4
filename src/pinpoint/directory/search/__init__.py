"""Radius search over the directory: the in-process index and the PostGIS path.

- :mod:`.cache`: one index per database, built on first use, refreshed in the background
  (:func:`.cache.current_index`, :func:`.cache.invalidate`, :func:`.cache.warm`);
- :mod:`.build`: the index read from the database in one query;
- :mod:`.index`: :class:`.index.DirectoryIndex`, the rows and their filters;
- :mod:`.sites`: distinct points in a k-d tree, the exact page and total;
- :mod:`.verdicts`: every row's eligibility verdict on a date;
- :mod:`.hits`: the one place rows become a hit's public fields (JSON and models);
- :mod:`.postgis` and :mod:`.pg_sessions`: the same pages computed by PostGIS;
- :mod:`.bounded`: an index of only the practitioners around one circle, for one-shot
  searches (``pinpoint find``).

Nothing is imported here, so a writer can reach :mod:`.cache` without numpy or scipy.
"""
