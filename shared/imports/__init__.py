"""Imports from spreadsheets: the files read (bounded, in memory), the roster format, its template and checks."""
