"""Mobile working: XLSForm forms, pocket notebook, sync protocol, review, device client."""
