"""Files people file: reports as XLSX (Chinese headers, column widths, number formats, a totals row) or CSV
(UTF-8 with a BOM, so Excel reads the Chinese), behind short-lived signed download links.

- `tables`: one way to lay out a sheet, and to write it as XLSX or CSV;
- `reports`: each report made from the very answers GraphQL gives the caller (so a file never disagrees
  with GraphQL, and shows only what the caller may see);
- `links`: where files wait (a JetStream object store every gateway copy reads) and the signed links to them.
"""
