"""Every model module, imported so Base.metadata knows all tables (for Alembic and tests)."""

from peelian.auth import models as auth_models
from peelian.biometrics.models import enrolment as biometrics_enrolment_models
from peelian.biometrics.models import search as biometrics_search_models
from peelian.core.audit import models as audit_models
from peelian.core.db.base import Base
from peelian.mobile import models as mobile_models
from peelian.records import models as records_models

__all__ = [
    "Base",
    "audit_models",
    "auth_models",
    "biometrics_enrolment_models",
    "biometrics_search_models",
    "mobile_models",
    "records_models",
]
