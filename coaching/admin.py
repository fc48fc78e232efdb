"""Coaching in the admin, for superusers: the offices' programmes, and the referrals made
from applications (read-only: a referral is made and its attendance declared on the
office's and the business's pages, where the rules are checked)."""

from django.contrib import admin

from coaching.models import CoachingProgramme, Referral
from kernel.admin_base import ReadOnlyAdmin


@admin.register(CoachingProgramme)
class CoachingProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "organiser", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active", "office"]
    search_fields = ["name", "organiser"]
    list_select_related = ["office"]
    autocomplete_fields = ["office"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["business", "programme", "application", "created_at", "attended_at"]
    search_fields = ["business__name", "programme__name"]
    list_select_related = ["business", "programme", "application__product"]
