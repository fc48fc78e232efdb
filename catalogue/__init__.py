"""The public catalogue (virtual expo): a page per certified product whose business agreed
to be listed, a searchable list of them, the offices' published collections, and what
makes them shareable (OpenGraph, schema.org JSON-LD, the sitemap); and the buyers'
enquiries sent from a product's page to its business (`catalogue.enquiries`).

It sits above certificates: what it shows is read live from the certificates (revoked,
superseded or expired ones drop out on the next request) and from the business's consent,
which this app keeps (`Listing`).
"""
