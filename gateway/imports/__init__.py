"""Imports from spreadsheets: the roster template, previewImport and commitImport (GraphQL multipart uploads),
and the imports' progress. The file is read in memory and never kept (see shared/imports)."""
