"""Sheets v4 in the sandbox: the spreadsheet model, A1 notation, values, batchUpdate and the endpoints."""
