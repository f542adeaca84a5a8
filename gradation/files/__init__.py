"""Files: YAML reading, problems in French with file:line, grid and territory loading,
the cache, atomic writes, and where the files are."""
