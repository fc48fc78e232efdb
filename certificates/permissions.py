"""Who may do what to a certificate: `rules` predicates taking (user, certificate), built
on the application's predicates so separation of duties holds the same way."""

import rules

from curation import permissions as application_perms


@rules.predicate
def is_certificate_region_officer(user, certificate) -> bool:
    # A certifying officer of the certificate's region who is not a member of its business.
    return application_perms.is_region_certifying_officer.test(user, certificate.application)


@rules.predicate
def can_view_certificate_application(user, certificate) -> bool:
    return application_perms.can_view_application.test(user, certificate.application)


can_revoke_certificate = is_certificate_region_officer
# Whoever may see the application may see and download its certificate.
can_view_certificate = can_view_certificate_application

rules.add_perm("certificates.revoke_certificate_object", can_revoke_certificate)
rules.add_perm("certificates.view_certificate_object", can_view_certificate)
