"""The account page's API tokens: the list, making one (its secret shown once), revoking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api_tokens.forms import TokenForm
from api_tokens.models import ApiToken
from api_tokens.services import create_token, revoke_token
from kernel.errors import WorkflowError

# The secret waits in the session for the one page after the POST that shows it
# (post/redirect/get: reloading that page does not make a second token).
NEW_SECRET = "api_tokens:new_secret"


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = create_token(request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            request.session[NEW_SECRET] = {"pk": token.pk, "secret": secret}
            return redirect("api_tokens:list")
    new = request.session.pop(NEW_SECRET, None)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "api_tokens/tokens.html",
        {"form": form, "tokens": tokens, "new": new},
    )


@require_POST
@login_required
def token_revoke(request, pk: int):
    try:
        token = revoke_token(request.user, pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("Token “%(name)s” is revoked: calls made with it are refused from now on.")
        % {"name": token.name},
    )
    return redirect("api_tokens:list")
