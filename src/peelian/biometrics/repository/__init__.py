"""Every query of the biometrics domain, one module per use case."""
