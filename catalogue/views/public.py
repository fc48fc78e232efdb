"""The public pages: the catalogue's list with its filters, a product's page, its photos,
and a published collection. Anyone may open them, signed in or not; they show only what a
listed business agreed to show (no NIB, no NPWP, no address; its e-mail and phone only
if it chose to), and each reads a fixed number of queries whatever the catalogue's size
(`catalogue.selectors`)."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalogue import selectors
from catalogue.enquiries import enquiry_count_of
from catalogue.forms import CatalogueFilterForm, EnquiryForm
from catalogue.language import address, in_page_language, language_links
from catalogue.permissions import (
    can_create_collection,
    can_edit_collection,
    can_see_business_enquiry_counts,
)
from catalogue.structured_data import open_graph, product_json_ld
from kernel.pagination import paginate
from kernel.site import absolute_url
from kernel.stored_files import stream_inline

# A grid of cards: 24 fills rows of two, three and four.
PAGE_SIZE = 24


def _photo_url(photo: selectors.Photo) -> str:
    return reverse("catalogue:photo", args=[photo.product_id, photo.pk])


def _with_photos(entries) -> list:
    """The entries, each with `photo_url`: its first photo's address ("" without one)."""
    entries = list(entries)
    photos = selectors.photos_of(entry.product_id for entry in entries)
    for entry in entries:
        found = photos.get(entry.product_id)
        entry.photo_url = _photo_url(found[0]) if found else ""
    return entries


def _sharing(request, *, title, description, image="", kind="website", **query) -> dict:
    """The page's canonical address, its alternates per language and OpenGraph tags."""
    language = request.page_language
    canonical = address(request.path, language, **query)
    image_url = absolute_url(image) if image else None
    return {
        "canonical": canonical,
        "alternates": [
            (code, address(request.path, code, **query)) for code, _name in settings.LANGUAGES
        ],
        "default_address": absolute_url(request.path),
        "og": open_graph(
            title=title,
            description=description,
            url=canonical,
            language=language,
            image=image_url,
            kind=kind,
        ),
        "og_image": image_url,
        "languages": language_links(request),
        "meta_description": description,
    }


@require_safe
@in_page_language
def catalogue_list(request):
    listed = selectors.listed_products()
    choices = selectors.filter_choices(listed)
    form = CatalogueFilterForm(request.GET, choices=choices)
    filters = form.filters()
    # Counted and paged in the list's copy; the page's entries read by their ids.
    found = selectors.filter_listed(listed, filters, choices)
    page = paginate(request, found.values_list("certificate_id", flat=True), PAGE_SIZE)
    page.object_list = _with_photos(selectors.entries_with_ids(page.object_list))
    title = _("Catalogue of export-ready products")
    page_number = page.number if page.number > 1 else None
    return render(
        request,
        "catalogue/list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "collections": list(selectors.published_collections()[:6]),
            **_sharing(
                request,
                title=title,
                description=_(
                    "Products of Indonesian small businesses that their regional office "
                    "certified export ready, each with its live certificate."
                ),
                page=page_number,
            ),
        },
    )


@require_safe
@in_page_language
def product_page(request, pk):
    return render_product_page(request, selectors.get_entry(pk), form=EnquiryForm())


def render_product_page(request, entry, *, form: EnquiryForm, status: int = 200):
    """A product's page, with the enquiry form as given (empty, or as the buyer sent it
    with what is wrong: `catalogue.views.enquiries`)."""
    product = entry.product
    business = product.business
    photos = selectors.photos_of([product.pk]).get(product.pk, [])
    photo_urls = [_photo_url(photo) for photo in photos]
    links = selectors.public_links(product)
    canonical = address(request.path, request.page_language)
    # In the page's language, as every link of a public page.
    verify_path = reverse("certificates:verify", args=[entry.verification_code])
    verify_path += f"?lang={request.page_language}"
    sharing = _sharing(
        request,
        title=f"{product.name} · {business.name}",
        description=product.description or product.category.label,
        image=photo_urls[0] if photo_urls else "",
        kind="product",
    )
    return render(
        request,
        "catalogue/product.html",
        {
            "entry": entry,
            "product": product,
            "business": business,
            "listing": business.catalogue_listing,
            "photo_urls": photo_urls,
            "collections": list(selectors.collections_showing(product)),
            "verify_path": verify_path,
            "product_links": links.product,
            "business_links": links.business,
            "enquiry_form": form,
            # The office of the business's region sees how often buyers asked.
            "enquiry_count": enquiry_count_of(product)
            if can_see_business_enquiry_counts.test(request.user, business)
            else None,
            "json_ld": product_json_ld(
                entry,
                url=canonical,
                images=[absolute_url(url) for url in photo_urls],
                verification_url=absolute_url(verify_path),
                product_links=[link.url for link in links.product],
                business_links=[link.url for link in links.business],
            ),
            **sharing,
        },
        status=status,
    )


@require_safe
def product_photo(request, pk, photo_pk):
    """A listed product's photo, drawn by the catalogue's pages and by link previews:
    streamed through the app whatever the storage (`kernel.stored_files.stream_inline`).
    Not kept by caches, like every answer of the app: a withdrawn consent or a revoked
    certificate hides the photo on the next request too."""
    photo = selectors.get_photo(pk, photo_pk)
    return stream_inline(photo.file, filename=photo.file_name, content_type=photo.content_type)


@require_safe
@in_page_language
def collection_page(request, slug):
    collection = selectors.get_collection_for_user(request.user, slug)
    page = paginate(request, selectors.collection_entries(collection), PAGE_SIZE)
    page.object_list = _with_photos(page.object_list)
    return render(
        request,
        "catalogue/collection.html",
        {
            "collection": collection,
            "page": page,
            "can_edit": can_edit_collection.test(request.user, collection),
            **_sharing(
                request,
                title=collection.name,
                description=collection.description
                or _("A collection of export-ready products from %(region)s.")
                % {"region": collection.region.name},
                image=page.object_list[0].photo_url if page.object_list else "",
                page=page.number if page.number > 1 else None,
            ),
        },
    )


@require_safe
@in_page_language
def collection_list(request):
    drafts = selectors.collections_editable_by(request.user).filter(published_at__isnull=True)
    return render(
        request,
        "catalogue/collections.html",
        {
            "collections": list(selectors.published_collections()),
            "drafts": list(drafts),
            "can_create": can_create_collection.test(request.user),
            **_sharing(
                request,
                title=_("Collections"),
                description=_("Virtual expos and selections of export-ready products."),
            ),
        },
    )
