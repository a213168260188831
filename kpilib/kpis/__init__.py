"""The KPI calculations: pure frame-in, frame-out functions over narwhals."""
