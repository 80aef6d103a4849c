"""Reports: one context for the web page and the PDF of a disclosure, SVG charts, rendering."""
