"""seed the audit chain head (data only)

The chain head row is created here, not lazily, so that two first writers cannot race to make it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:31:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer),
    sa.column("last_seq", sa.BigInteger),
    sa.column("last_hash", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(_head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])


def downgrade() -> None:
    op.execute(_head.delete().where(_head.c.id == 1))
