"""Import every domain's models so that the metadata (and Alembic) sees all tables."""

from app.alerts.models import Alert  # noqa: F401
from app.auth.models import User  # noqa: F401
from app.catalogue.models import CourseState  # noqa: F401
from app.catalogue.models import Module  # noqa: F401
from app.catalogue.models import Reading  # noqa: F401
from app.cohorts.models import Cohort  # noqa: F401
from app.cohorts.models import CohortTutor  # noqa: F401
from app.cohorts.models import CohortWeek  # noqa: F401
from app.cohorts.models import Enrolment  # noqa: F401
from app.consent.models import ContactConsent  # noqa: F401
from app.diagnostic.models import Diagnostic  # noqa: F401
from app.diagnostic.models import DiagnosticAnswer  # noqa: F401
from app.diagnostic.models import DiagnosticStatement  # noqa: F401
from app.outbox.models import OutboxMessage  # noqa: F401
from app.progress.models import LearnerProgress  # noqa: F401
from app.progress.models import LearningEvent  # noqa: F401
from app.progress.models import QuizProgress  # noqa: F401
from app.progress.models import ReadingFeedback  # noqa: F401
from app.progress.models import ReadingProgress  # noqa: F401
from app.quizzes.models import AttemptAnswer  # noqa: F401
from app.quizzes.models import Question  # noqa: F401
from app.quizzes.models import Quiz  # noqa: F401
from app.quizzes.models import QuizAttempt  # noqa: F401
from app.tutoring.models import Contact  # noqa: F401
