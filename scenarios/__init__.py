"""The bundled scenario library: lessons and what-if cases, shipped as package data."""
