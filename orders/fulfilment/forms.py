"""Forms of the fulfilment pages: the ship form, the bulk-shipping upload, and the filters of the
parcels and performance pages. A refusal from a service lands on the field it names
(`marketplace.core.pages.refusals`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.errors import RowErrors
from orders.fulfilment.services import ParcelToShip


class ShipForm(forms.Form):
    """Ship a parcel of an order: which carrier, the tracking number, how many of each line
    (everything left by default), and optionally what the carrier charged."""

    carrier = forms.TypedChoiceField(label=_("Carrier"), coerce=int)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=60,
        help_text=_("6 to 40 letters, digits or dashes, as on the carrier's label."),
    )
    cost = forms.DecimalField(
        label=_("Carrier's charge (optional)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("What you pay the carrier for this parcel; it feeds your carrier scorecard."),
    )

    def __init__(self, *args, order, carriers, **kwargs):
        """`order` with its lines prefetched; `carriers` the shop's active `ShopCarrier`s."""
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["carrier"].choices = [(link.carrier_id, link.carrier.name) for link in carriers]
        chosen = next(
            (link.carrier_id for link in carriers if link.carrier.code == order.carrier_code),
            None,
        ) or next((link.carrier_id for link in carriers if link.is_default), None)
        if chosen is not None:
            self.fields["carrier"].initial = chosen
        self.line_fields = []
        for line in order.lines.all():
            if line.quantity_to_ship <= 0:
                continue
            name = f"line_{line.id}"
            self.fields[name] = forms.IntegerField(
                label=line.title,
                min_value=0,
                max_value=line.quantity_to_ship,
                initial=line.quantity_to_ship,
            )
            self.line_fields.append((line, name))

    def lines(self):
        """(order line, bound quantity field) for the table in the page."""
        return [(line, self[name]) for line, name in self.line_fields]

    def clean(self):
        data = super().clean()
        if self.line_fields and not any(data.get(name) for _line, name in self.line_fields):
            raise forms.ValidationError(_("Choose what goes in the parcel."))
        return data

    def parcel(self) -> ParcelToShip:
        quantities = {
            line.id: self.cleaned_data[name]
            for line, name in self.line_fields
            if self.cleaned_data.get(name)
        }
        return ParcelToShip(
            order_number=self.order.number,
            carrier_id=self.cleaned_data["carrier"],
            tracking_number=self.cleaned_data["tracking_number"],
            quantities=quantities,
            cost=self.cleaned_data.get("cost"),
        )


class BulkShipForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: order_number, carrier, tracking_number (and sku_code, quantity to "
            "ship part of an order). UTF-8 or GBK."
        ),
    )

    MAX_BYTES = 2 * 1024 * 1024
    row_errors: list = []  # [(row number, field, message)] of a refused file

    def apply_domain_error(self, error) -> None:
        """A refused file lists its rows under the form; other refusals go on their field."""
        if isinstance(error, RowErrors):
            self.row_errors = error.rows
            self.add_error(None, str(error.message))
        else:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        return upload


class ShipmentFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("open", _("On the way")),
        ("exception", _("Exceptions")),
        ("stalled", _("No recent update")),
        ("delivered", _("Delivered")),
    ]
    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)
    q = forms.CharField(label=_("Order or tracking number"), required=False, max_length=40)


class PeriodForm(forms.Form):
    PERIODS = [("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last year"))]
    days = forms.TypedChoiceField(
        label=_("Period"), choices=PERIODS, coerce=int, required=False, empty_value=30
    )
