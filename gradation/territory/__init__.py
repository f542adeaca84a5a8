"""Territory tools for coordinators: editing a directory, coverage, FINESS, communes."""
