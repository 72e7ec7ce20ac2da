"""biometrics: enrolments, enrolled fingers, the gallery change log and its head

The head row is seeded here (as 0002 does for the audit chain) so that two first writers
cannot race to create it.

Revision ID: 0005_biometric_enrolment
Revises: 0004
Create Date: 2026-11-29 10:30:24.133200+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from peelian.core.db.base import UTCDateTime

revision: str = "0005_biometric_enrolment"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "biometric_enrolments",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "images",
                "ansi-nist",
                "synthetic",
                name="enrolmentsource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("control_number", sa.String(length=40), nullable=True),
        sa.Column("finger_count", sa.SmallInteger(), nullable=False),
        sa.Column("enrolled_by", sa.Uuid(), nullable=True),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biometric_enrolments")),
        sa.UniqueConstraint("person_id", name=op.f("uq_biometric_enrolments_person_id")),
    )
    op.create_table(
        "biometric_gallery_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum("add", "remove", name="galleryaction", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_biometric_gallery_changes")),
    )
    with op.batch_alter_table("biometric_gallery_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_biometric_gallery_changes_person_id"), ["person_id"], unique=False
        )

    head = op.create_table(
        "biometric_gallery_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biometric_gallery_head")),
    )
    assert head is not None
    op.bulk_insert(head, [{"id": 1, "last_seq": 0}])
    op.create_table(
        "biometric_fingers",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("finger_position", sa.SmallInteger(), nullable=False),
        sa.Column("template", sa.LargeBinary(), nullable=False),
        sa.Column("quality", sa.SmallInteger(), nullable=False),
        sa.Column("minutiae", sa.SmallInteger(), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["biometric_enrolments.id"],
            name=op.f("fk_biometric_fingers_enrolment_id_biometric_enrolments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biometric_fingers")),
        sa.UniqueConstraint(
            "person_id",
            "finger_position",
            name=op.f("uq_biometric_fingers_person_id_finger_position"),
        ),
    )
    with op.batch_alter_table("biometric_fingers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_biometric_fingers_enrolment_id"), ["enrolment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("biometric_fingers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_biometric_fingers_enrolment_id"))

    op.drop_table("biometric_fingers")
    op.drop_table("biometric_gallery_head")
    with op.batch_alter_table("biometric_gallery_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_biometric_gallery_changes_person_id"))

    op.drop_table("biometric_gallery_changes")
    op.drop_table("biometric_enrolments")
