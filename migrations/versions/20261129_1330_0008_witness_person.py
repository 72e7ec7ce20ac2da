"""records: a witness statement names its witness as a person in records

Revision ID: 0008_witness_person
Revises: 0007_biometric_searches
Create Date: 2026-11-29 13:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_witness_person"
down_revision: str | None = "0007_biometric_searches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("witness_statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("witness_person_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_witness_statements_witness_person_id"),
            ["witness_person_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_witness_statements_witness_person_id_people"),
            "people",
            ["witness_person_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("witness_statements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_witness_statements_witness_person_id_people"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_witness_statements_witness_person_id"))
        batch_op.drop_column("witness_person_id")
