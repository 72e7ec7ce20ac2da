"""The back-office navigation: domains register their pages with the permission that shows them."""

from __future__ import annotations

from dataclasses import dataclass

from peelian.auth.models import Role
from peelian.auth.permissions import Permission, has_permission

__all__ = ["NavItem", "nav_for", "register_nav"]


@dataclass(frozen=True)
class NavItem:
    """A link in the staff navigation bar."""

    label: str
    href: str
    permission: Permission
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    """Add (or replace) a navigation link."""
    _ITEMS[item.href] = item


def nav_for(role: Role) -> list[NavItem]:
    """The links a role may follow, in order."""
    items = [i for i in _ITEMS.values() if has_permission(role, i.permission)]
    return sorted(items, key=lambda i: (i.order, i.label))
