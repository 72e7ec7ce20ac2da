"""Every query of the records domain."""
