"""Forms: XLSForm import, the compact schema, the expression subset and server validation."""
