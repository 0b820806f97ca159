"""Import and export: the seed format in and out, and the directory in open formats."""
