"""Identity and access: users, roles, tokens, MFA, web sessions, officer devices and permissions."""
