"""The auth knobs a service call needs, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass

from peelian.web.state import AppState

__all__ = ["AuthPolicy", "policy_of"]


@dataclass(frozen=True)
class AuthPolicy:
    """Token lifetimes, signing key and lockout back-off."""

    token_key: bytes
    access_ttl_s: int = 600
    refresh_ttl_s: int = 14 * 24 * 3600
    session_ttl_s: int = 8 * 3600
    lockout_threshold: int = 5
    lockout_base_s: int = 60
    lockout_max_s: int = 3600
    mfa_issuer: str = "Peelian"

    def lockout_seconds(self, failures: int) -> int:
        """Back-off after the given count of consecutive failures: doubling, capped."""
        if failures < self.lockout_threshold:
            return 0
        return int(
            min(self.lockout_max_s, self.lockout_base_s * 2 ** (failures - self.lockout_threshold))
        )


def policy_of(state: AppState) -> AuthPolicy:
    """The token and lockout policy of a running app."""
    s = state.settings
    return AuthPolicy(
        token_key=state.token_key,
        access_ttl_s=s.access_token_ttl_s,
        refresh_ttl_s=s.refresh_token_ttl_s,
        session_ttl_s=s.web_session_ttl_s,
        lockout_threshold=s.lockout_threshold,
        lockout_base_s=s.lockout_base_s,
        lockout_max_s=s.lockout_max_s,
    )
