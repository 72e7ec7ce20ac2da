"""Records: people (nominals), their warnings and status, incidents, and the person check."""
