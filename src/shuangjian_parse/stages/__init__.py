"""The pipeline stages, one module each: read, normalize, document, sections, bodies, duties."""
