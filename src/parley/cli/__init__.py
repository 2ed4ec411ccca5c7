"""parley's command-line interface (Typer + rich). It parses, calls the public API, prints."""
