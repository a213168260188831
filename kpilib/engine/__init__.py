"""The engine layer: the only place that asks which backend a frame is."""
