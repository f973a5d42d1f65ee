"""pytest plugin shipped with ducha: collects scenario files (filled in by the scenarios layer)."""
