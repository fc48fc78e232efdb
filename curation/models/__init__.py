"""The workflow's models, one module per noun: the application with its state machine,
assignments, revision requests and audit trail (`applications`); staff profiles,
notifications and reminders (`people`). Every name is importable from here."""

from curation.models.applications import (
    MET_CONDITIONS,
    Application,
    ApplicationQuerySet,
    CuratorAssignment,
    CuratorAssignmentChange,
    RevisionRequest,
    TransitionLog,
    allowed_by,
    unless,
)
from curation.models.people import Notification, Profile, Reminder

__all__ = [
    "MET_CONDITIONS",
    "Application",
    "ApplicationQuerySet",
    "CuratorAssignment",
    "CuratorAssignmentChange",
    "Notification",
    "Profile",
    "Reminder",
    "RevisionRequest",
    "TransitionLog",
    "allowed_by",
    "unless",
]
