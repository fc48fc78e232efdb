"""What one request reads once: who the user is (roles, businesses, regions) and who
curates an application, shared by every permission check, workspace and template of the
page.

The cache lives in a context variable that `RequestCacheMiddleware` fills with an empty
dict for each request and drops when the answer is ready. Outside a request (a service
called from a test, a command or a task worker) there is no cache: every call reads the
database, exactly as if this module did not exist, so a test that makes a member and then
acts, or assigns curators and then scores, sees the change.

What is kept here is the who-is-who (roles, memberships, regions, an application's
curators) and what the checks of one page would otherwise read twice (the required
document types, a product's documents). Never an application's state: a transition
reads it from the row it locked. Two rules keep the rest from going stale inside one
request:

- `memoized_for` keys data about one object by that very instance, so the application a
  transition locks (a fresh instance) reads its curators again, under the lock, whatever
  an earlier check of the same request read.
- A write in the request empties the cache, so nothing read before a change is used
  after it: any save, any change of a many-to-many relation (groups, regions), and the
  deletion of the rows the apps memoize (`forget_when_deleted`; a receiver of every
  model's deletions would stop Django from deleting in bulk without loading the rows).
  Bulk updates send no signal: the services that make them act on the application they
  locked, whose data `memoized_for` reads afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponseBase

T = TypeVar("T")

_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("request_cache", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """A cache for what runs inside (one request: `RequestCacheMiddleware`)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per request for `key`; every time outside a request."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    value: T = cache[key]
    return value


def remember(key: Hashable, value: object) -> None:
    """Keep `value` for `key` for the rest of the request, as `memoized(key, ...)` would
    have after computing it: for what a module read together with something else
    (`curation.identity` reads who the user is in one query). Outside a request, nothing:
    every call reads the database."""
    cache = _cache.get()
    if cache is not None:
        cache[key] = value


def memoized_for(obj: object, name: str, compute: Callable[[], T]) -> T:
    """`compute()` about `obj`, once per request for this very instance (another instance
    of the same row, such as a locked copy, computes its own)."""
    cache = _cache.get()
    if cache is None:
        return compute()
    key = (name, id(obj))
    # The entry holds the instance too, so its id is not reused while the cache lives.
    entry = cache.get(key)
    if entry is None or entry[0] is not obj:
        entry = cache[key] = (obj, compute())
    value: T = entry[1]
    return value


def forget(**_kwargs: object) -> None:
    """Empty the request's cache (a signal receiver: a write happened)."""
    cache = _cache.get()
    if cache:
        cache.clear()


def forget_when_deleted(*model_labels: str) -> None:
    """Empty the request's cache when a row of one of these models ("app_label.Model")
    is deleted: for the apps whose rows are memoized here."""
    for label in model_labels:
        post_delete.connect(forget, sender=label, dispatch_uid=f"request_cache_forget_{label}")


post_save.connect(forget, dispatch_uid="request_cache_forget_save")
m2m_changed.connect(forget, dispatch_uid="request_cache_forget_m2m")


class RequestCacheMiddleware:
    """Gives each request its own empty cache, and drops it with the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with request_scope():
            return self.get_response(request)
