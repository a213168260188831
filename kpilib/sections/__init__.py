"""The report model: each section of the pack computed once, as typed facts."""
