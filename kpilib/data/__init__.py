"""The data layer: schema, reading, parsing, validation, settings, periods, Dataset."""
