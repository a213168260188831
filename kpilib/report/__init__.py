"""The report build: run the notebooks, export HTML, print one A4 PDF."""
