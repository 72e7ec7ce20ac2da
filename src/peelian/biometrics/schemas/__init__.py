"""Request and response shapes of the biometrics API."""
