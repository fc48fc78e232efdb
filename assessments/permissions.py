"""Who may review an application's packaging: the `rules` predicates, taking (user,
application), built on the business's predicates of `products.permissions`.

The scoring pages' predicates (`can_score`, `can_view_curation`) read who is assigned to
curate the application, which is the workflow's data: they stay in
`curation.permissions`, like the staff pages themselves (`curation.views`) and the saving
of scoresheets and checklists (`curation.stage_work`), which lock the application.
"""

from products.permissions import is_region_coordinator, is_region_packaging_reviewer

# The region's packaging reviewers fill in the checklist and decide on it.
can_review_packaging = is_region_packaging_reviewer
can_view_packaging_review = is_region_packaging_reviewer | is_region_coordinator
