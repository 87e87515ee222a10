"""Workspace DSAR: find, export and erase a data subject's personal data in Google Workspace, with every
Google API call on a tamper-evident, Limited Use audit trail."""
