"""Shipments of certified products: what is recorded, checked and totalled.

`shipment_create` checks everything first and then saves the shipment, its lines and
cartons and their totals in one transaction, or nothing at all; its pro-forma invoice and
packing list (`rendering`) are rendered after the commit (a task, or `issue_pending`:
`storing.shipment_render`), stored once with their SHA-256, and never rendered again.
Amounts are Decimal, each line rounded half up to the currency's minor unit and the total
the sum of the rounded lines, as on a paper invoice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from certificates import tasks
from certificates.models import (
    Certificate,
    Currency,
    Incoterm,
    Shipment,
    ShipmentCarton,
    ShipmentLine,
    carton_volume_m3,
)
from certificates.permissions import can_record_shipment
from certificates.sharing import certificate_usable_problems
from kernel.decimals import NotANumber, parse_decimal
from kernel.errors import WorkflowError
from products.models import CURRENCY_EXPONENT, Market

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

KG = Decimal("0.001")
M3 = Decimal("0.001")


@dataclass(frozen=True)
class Totals:
    amount: Decimal
    cartons: int
    net_kg: Decimal
    gross_kg: Decimal
    volume_m3: Decimal | None


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-CURRENCY_EXPONENT[currency])
    return (quantity * unit_price).quantize(exponent, rounding=ROUND_HALF_UP)


def compute_totals(lines: Sequence[Mapping], cartons: Sequence[Mapping], currency: str) -> Totals:
    """Totals of valid lines and cartons (see `shipment_problems`)."""
    amount = sum(
        (line_amount(line["quantity"], line["unit_price"], currency) for line in lines),
        Decimal(0),
    )
    count = sum(carton["count"] for carton in cartons)
    net = sum((carton["count"] * carton["net_kg"] for carton in cartons), Decimal(0))
    gross = sum((carton["count"] * carton["gross_kg"] for carton in cartons), Decimal(0))
    volume = None
    if cartons and all(carton.get("length_cm") is not None for carton in cartons):
        volume = sum(
            (
                carton["count"]
                * carton_volume_m3(carton["length_cm"], carton["width_cm"], carton["height_cm"])
                for carton in cartons
            ),
            Decimal(0),
        ).quantize(M3)
    return Totals(amount, count, net.quantize(KG), gross.quantize(KG), volume)


def _decimal(value: object) -> Decimal | None:
    """A number from a form or a caller: None when blank, NaN when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # "2,40" as well as "2.40", in either language (`kernel.decimals`).
        return parse_decimal(str(value))
    except NotANumber:
        return Decimal("NaN")


def _positive(
    value: object, *, places: int, limit: int, what: str, problems: list[str]
) -> Decimal | None:
    """`value` as a Decimal if it is a number above zero with at most `places` decimals
    and below `limit`; otherwise None, with a problem saying why (`what` names it)."""
    number = _decimal(value)
    if number is None or not number.is_finite() or number <= 0:
        problems.append(_("%(what)s must be more than zero.") % {"what": what})
        return None
    if number >= limit:
        problems.append(_("%(what)s is too large.") % {"what": what})
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        problems.append(
            _("%(what)s has more than %(places)s decimals.") % {"what": what, "places": places}
        )
        return None
    return number


def _clean_lines(lines: Sequence[Mapping], problems: list[str]) -> list[dict]:
    cleaned = []
    for index, line in enumerate(lines, start=1):
        row = line.get("row", index)
        description = (line.get("description") or "").strip()
        unit = (line.get("unit") or "").strip()
        if not description:
            problems.append(_("Line %(row)s: describe the goods.") % {"row": row})
        if not unit:
            problems.append(_("Line %(row)s: give the unit (pcs, kg, jar…).") % {"row": row})
        quantity = _positive(
            line.get("quantity"),
            places=3,
            limit=10**9,
            what=_("Line %(row)s: the quantity") % {"row": row},
            problems=problems,
        )
        unit_price = _positive(
            line.get("unit_price"),
            places=2,
            limit=10**12,
            what=_("Line %(row)s: the unit price") % {"row": row},
            problems=problems,
        )
        cleaned.append(
            {
                "description": description,
                "unit": unit,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )
    return cleaned


def _clean_cartons(cartons: Sequence[Mapping], problems: list[str]) -> list[dict]:
    cleaned = []
    for index, carton in enumerate(cartons, start=1):
        row = carton.get("row", index)
        count = carton.get("count")
        try:
            count = 1 if count in (None, "") else int(count)
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= 100_000:
            problems.append(
                _("Carton row %(row)s: the number of cartons must be at least 1.") % {"row": row}
            )
        net = _positive(
            carton.get("net_kg"),
            places=3,
            limit=10**6,
            what=_("Carton row %(row)s: the net weight") % {"row": row},
            problems=problems,
        )
        gross = _positive(
            carton.get("gross_kg"),
            places=3,
            limit=10**6,
            what=_("Carton row %(row)s: the gross weight") % {"row": row},
            problems=problems,
        )
        if net is not None and gross is not None and gross < net:
            problems.append(
                _(
                    "Carton row %(row)s: the gross weight (%(gross)s kg) is less than the net "
                    "weight (%(net)s kg); gross is the net weight plus the packing."
                )
                % {"row": row, "gross": gross, "net": net}
            )
        given = [carton.get(k) for k in ("length_cm", "width_cm", "height_cm")]
        given = [value for value in given if _decimal(value) is not None]
        dimensions: tuple[Decimal | None, ...] = (None, None, None)
        if given:
            if len(given) != 3:
                problems.append(
                    _(
                        "Carton row %(row)s: give all three dimensions (length, width, height) "
                        "or none."
                    )
                    % {"row": row}
                )
            else:
                measured = [
                    _positive(
                        value,
                        places=1,
                        limit=10**5,
                        what=_("Carton row %(row)s: each dimension") % {"row": row},
                        problems=problems,
                    )
                    for value in given
                ]
                if None not in measured:
                    dimensions = tuple(measured)
        cleaned.append(
            {
                "count": count,
                "net_kg": net,
                "gross_kg": gross,
                "length_cm": dimensions[0],
                "width_cm": dimensions[1],
                "height_cm": dimensions[2],
            }
        )
    return cleaned


def shipment_create(
    *,
    certificate: Certificate,
    by: _User,
    buyer_name: str,
    buyer_address: str,
    buyer_country: str,
    market: Market | None,
    incoterm: str,
    port_of_loading: str,
    port_of_discharge: str,
    currency: str,
    lines: Sequence[Mapping],
    cartons: Sequence[Mapping],
) -> Shipment:
    """Record a shipment of the certificate's product, by a member of its business or an
    exporter it is shared with. Every problem is reported at once (WorkflowError) and
    nothing is saved; the PDFs are rendered after the commit.

    `lines`: description, quantity, unit, unit_price (a "row" number for messages, as the
    form shows it). `cartons`: count (default 1), net_kg, gross_kg, and optionally
    length_cm, width_cm, height_cm.
    """
    if not can_record_shipment.test(by, certificate):
        raise WorkflowError(_("You may not record shipments of this product."))
    problems = certificate_usable_problems(certificate)
    fields = {
        "buyer_name": (buyer_name or "").strip(),
        "buyer_address": (buyer_address or "").strip(),
        "buyer_country": (buyer_country or "").strip(),
        "port_of_loading": (port_of_loading or "").strip(),
        "port_of_discharge": (port_of_discharge or "").strip(),
    }
    labels = {
        "buyer_name": _("the buyer's name"),
        "buyer_address": _("the buyer's address"),
        "buyer_country": _("the buyer's country"),
        "port_of_loading": _("the port of loading"),
        "port_of_discharge": _("the port of discharge"),
    }
    missing = [str(labels[key]) for key, value in fields.items() if not value]
    if missing:
        problems.append(_("Fill in %(fields)s.") % {"fields": ", ".join(missing)})
    market_keys = [m["key"] for m in certificate.markets]
    if market is None or market.key not in market_keys:
        problems.append(
            _("Choose a destination market the certificate covers: %(markets)s.")
            % {"markets": ", ".join(certificate.market_names)}
        )
    if incoterm not in Incoterm.values:
        problems.append(_("Choose one of the Incoterms 2020."))
    if currency not in Currency.values:
        problems.append(_("Choose the currency of the prices."))
    if not lines:
        problems.append(_("Add at least one line: what is sold, how many, at what price."))
    if not cartons:
        problems.append(_("Add at least one carton with its net and gross weight."))
    clean_lines = _clean_lines(lines, problems)
    clean_cartons = _clean_cartons(cartons, problems)
    if problems:
        raise WorkflowError(list(dict.fromkeys(problems)))
    assert market is not None  # a missing market is one of the problems above

    totals = compute_totals(clean_lines, clean_cartons, currency)
    with transaction.atomic():
        # The certificate row is the lock that numbers its shipments one after another.
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        sequence = (
            locked.shipments.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        ) + 1
        shipment = Shipment.objects.create(
            certificate=locked,
            sequence=sequence,
            number=f"PI-{locked.year}-{locked.serial:05d}-{sequence:02d}",
            market=market,
            incoterm=incoterm,
            currency=currency,
            total_amount=totals.amount,
            carton_count=totals.cartons,
            total_net_kg=totals.net_kg,
            total_gross_kg=totals.gross_kg,
            total_volume_m3=totals.volume_m3,
            created_by=by,
            **fields,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(
                shipment=shipment,
                position=position,
                amount=line_amount(line["quantity"], line["unit_price"], currency),
                **line,
            )
            for position, line in enumerate(clean_lines, start=1)
        )
        first = 1
        rows = []
        for position, carton in enumerate(clean_cartons, start=1):
            rows.append(
                ShipmentCarton(shipment=shipment, position=position, first_number=first, **carton)
            )
            first += carton["count"]
        ShipmentCarton.objects.bulk_create(rows)
        transaction.on_commit(lambda: tasks.shipment_render_enqueue(shipment.pk), robust=True)
    return shipment
