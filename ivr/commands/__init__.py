"""One module per ``ivr`` command."""
