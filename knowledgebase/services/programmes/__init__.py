"""The programme's own follow-up: programmes and targets (``catalogue``), activities and the
calendar (``activities``, ``calendar``), registration and attendance (``registrations``),
started networks (``networks``), progress against the targets (``followup``), the funder's
export (``funder_export``) and the retention of personal data (``retention``)."""
