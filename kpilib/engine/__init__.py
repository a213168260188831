"""The engine layer: the only place that asks which backend a frame is."""

# where the KPIs run: pandas loads the folder (CSV or Parquet), the others scan it. Defined
# here, free of imports, so that the ``kpi`` command's options need no frame library.
ENGINES = ("pandas", "polars", "duckdb", "spark")
