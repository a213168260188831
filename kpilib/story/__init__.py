"""The story layer: narrative, phrases and formatting, rendered from sections."""
