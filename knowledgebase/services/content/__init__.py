"""Content: the published entries and their lists, the seed format's values, the taxonomy, feeds, CSV and the sitemap."""
