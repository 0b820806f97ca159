"""For buyers: CPV services and the supplier search, eligibility, the procurement route guide and shortlists."""
