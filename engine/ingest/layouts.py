"""The order export layouts Shopwise recognises, and the owner's own column mapping.

A layout says which header means what (`ColumnMapping`), how to tell it from its
headers, and the few rules where shop systems really differ: what an order is,
what a cancelled order or a return looks like, which lines are not products.
Detection is by headers alone so that it is cheap and explainable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

MAPPING_FIELDS = [
    # (field, label in words, required)
    ("order_id", "Order number", False),
    ("ordered_at", "Order date", True),
    ("customer_id", "Customer number", False),
    ("customer_email", "Customer e-mail", False),
    ("customer_phone", "Customer phone", False),
    ("customer_name", "Customer name", False),
    ("customer_first_name", "Customer first name", False),
    ("customer_last_name", "Customer last name", False),
    ("marketing_consent", "Accepts marketing (yes/no)", False),
    ("product_name", "Product name", False),
    ("sku", "Product code (SKU)", False),
    ("quantity", "Quantity", False),
    ("unit_price", "Unit price", False),
    ("status", "Order status", False),
]


@dataclass
class ColumnMapping:
    """Which header of the file holds each field; None where the file has no such column."""
    order_id: str | None = None
    ordered_at: str | None = None
    customer_id: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_name: str | None = None
    customer_first_name: str | None = None
    customer_last_name: str | None = None
    marketing_consent: str | None = None
    product_name: str | None = None
    sku: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    status: str | None = None
    # Known layouts also use these; the owner's own mapping does not need them.
    cancelled_at: str | None = None
    currency: str | None = None
    rating: str | None = None
    summary: str | None = None
    review_text: str | None = None
    line_type: str | None = None   # "Line Item" rows are products; discounts, shipping are not
    date_order: str = "auto"   # 'auto', 'dmy', 'mdy' or 'ymd'

    def used_columns(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "date_order" and getattr(self, f.name)}

    def problems(self, header: list[str]) -> list[str]:
        """Plain sentences for what is missing or wrong; empty when the mapping can be used."""
        out = []
        present = set(header)
        for name, column in self.used_columns().items():
            if column not in present:
                out.append(f"The column '{column}' chosen for {_label(name)} is not in the file.")
        if not self.ordered_at:
            out.append("Choose the column with the order date.")
        if not (self.product_name or self.sku):
            out.append("Choose the column with the product name or product code.")
        if not (self.order_id or self.customer_id or self.customer_email or self.customer_phone):
            out.append("Choose the column with the order number or the customer.")
        return out


def _label(field_name: str) -> str:
    return next(label for name, label, _ in MAPPING_FIELDS if name == field_name).lower()


@dataclass(frozen=True)
class Layout:
    key: str
    label: str                        # in words, for the owner
    aliases: dict[str, tuple[str, ...]]  # mapping field -> header names it may have
    signature: tuple[str, ...]        # headers that must all be present to recognise it
    customer_kind: str = "customer_id"
    fill_down: tuple[str, ...] = ()   # order fields only on an order's first line
    duplicates: str = "skip"          # 'skip' or 'merge' (a repeated row means one more unit)
    non_products: re.Pattern | None = None
    cancelled_statuses: tuple[str, ...] = ()
    return_invoice_prefix: str | None = None
    has_header: bool = True
    headerless_names: tuple[str, ...] = ()
    date_column_is_epoch: bool = False
    kind: str = "orders"              # 'orders' or 'reviews'
    guest_customer_ids: tuple[str, ...] = ()  # customer numbers that mean "no account" (a guest)
    line_names_title_variant: bool = False    # a variant's line is named "title - variant"

    def missing_columns(self, mapping: ColumnMapping) -> list[str]:
        """Sentences naming the required columns this file of a known layout lacks."""
        def expected(*fields: str) -> str:
            names = [name for f in fields for name in self.aliases.get(f, ())][:3]
            return " or ".join(f"'{n}'" for n in names)

        needs = [(("ordered_at",), "the order date"), (("product_name", "sku"), "the product"),
                 (("order_id", "customer_id", "customer_email", "customer_phone"),
                  "the order number or customer")]
        return [f"This looks like a {self.label}, but the column with {what} is missing "
                f"(expected {expected(*fields)})."
                for fields, what in needs if not any(getattr(mapping, f) for f in fields)]

    def mapping_for(self, header: list[str]) -> ColumnMapping:
        lookup = {h.strip().casefold(): h for h in header}
        chosen = {}
        for name, options in self.aliases.items():
            chosen[name] = next((lookup[o.casefold()] for o in options if o.casefold() in lookup), None)
        return replace(ColumnMapping(), **chosen)


SHOPIFY = Layout(
    key="shopify",
    label="Shopify orders export",
    aliases={
        # The admin export (older and newer column sets) and the "Line: ..." layout of export apps.
        "order_id": ("Name", "Order Name"),
        "ordered_at": ("Created at", "Created At", "Processed at", "Processed At"),
        "customer_email": ("Email", "Customer Email", "Customer: Email"),
        "customer_phone": ("Phone", "Customer: Phone", "Billing Phone", "Shipping Phone",
                           "Customer Phone", "Billing: Phone"),
        "customer_name": ("Billing Name", "Customer Name", "Shipping Name"),
        "customer_first_name": ("Customer: First Name", "Billing First Name", "First Name"),
        "customer_last_name": ("Customer: Last Name", "Billing Last Name", "Last Name"),
        # The older admin export says "Accepts Marketing", the newer one "Accepts Email Marketing".
        "marketing_consent": ("Accepts Email Marketing", "Accepts Marketing",
                              "Customer: Accepts Email Marketing", "Customer: Accepts Marketing"),
        "product_name": ("Lineitem name", "Line item name", "Lineitem title", "Line Item Name",
                         "Line: Name", "Line: Title"),
        "sku": ("Lineitem sku", "Line item SKU", "Lineitem SKU", "Line: SKU"),
        "quantity": ("Lineitem quantity", "Line item quantity", "Line: Quantity"),
        "unit_price": ("Lineitem price", "Line item price", "Line: Price"),
        "status": ("Financial Status", "Payment Status", "Payment: Status"),
        "cancelled_at": ("Cancelled at", "Cancelled At"),
        "currency": ("Currency",),
        "line_type": ("Line: Type",),
    },
    signature=("Name", "Lineitem name|Line item name|Lineitem title|Line Item Name|Line: Name|Line: Title"),
    customer_kind="email",
    line_names_title_variant=True,
    fill_down=("ordered_at", "customer_email", "customer_phone", "customer_name", "customer_first_name",
               "customer_last_name", "marketing_consent", "status", "cancelled_at", "currency"),
    cancelled_statuses=("voided", "refunded"),
)

UCI_RETAIL = Layout(
    key="uci_retail",
    label="Online Retail invoices (UCI layout)",
    aliases={
        "order_id": ("InvoiceNo", "Invoice"), "sku": ("StockCode",),
        "product_name": ("Description",), "quantity": ("Quantity",),
        "ordered_at": ("InvoiceDate",), "unit_price": ("UnitPrice", "Price"),
        "customer_id": ("CustomerID", "Customer ID"),
    },
    signature=("StockCode", "InvoiceDate"),
    # Postage, carriage, fees and manual adjustments, by stock code or by description.
    non_products=re.compile(r"^(POST|DOT|M|D|C2|S|B|CRUK|PADS|AMAZONFEE|AMAZON FEE|BANK CHARGES|gift_.*"
                            r"|(NEXT DAY )?CARRIAGE|(DOTCOM )?POSTAGE|MANUAL|DISCOUNT|SAMPLES)$",
                            re.IGNORECASE),
    return_invoice_prefix="C",
)

GROCERIES = Layout(
    key="groceries",
    label="Member purchases (member number, date, item)",
    aliases={"customer_id": ("Member_number",), "ordered_at": ("Date",),
             "product_name": ("itemDescription",)},
    signature=("Member_number", "itemDescription"),
    customer_kind="member",
    duplicates="merge",
)

TILL = Layout(
    key="till",
    label="Till transactions (no customers)",
    aliases={"order_id": ("Transaction",), "ordered_at": ("Date",), "product_name": ("Item",)},
    signature=("Transaction", "Item", "Date"),
    duplicates="merge",
    non_products=re.compile(r"^NONE$", re.IGNORECASE),
)

WOOCOMMERCE = Layout(
    key="woocommerce",
    label="WooCommerce orders export",
    aliases={
        "order_id": ("Order ID", "Order Number", "order_id", "order_number", "Order #"),
        "ordered_at": ("Order Date", "order_date", "Date Created", "date_created"),
        "customer_id": ("Customer User ID", "customer_id", "Customer ID"),
        "customer_email": ("Billing Email", "billing_email", "Customer Email", "Email (Billing)"),
        "customer_phone": ("Billing Phone", "billing_phone", "Phone (Billing)"),
        "customer_name": ("Billing Full Name", "Customer Name", "Billing Name"),
        "customer_first_name": ("Billing First Name", "billing_first_name", "First Name (Billing)"),
        "customer_last_name": ("Billing Last Name", "billing_last_name", "Last Name (Billing)"),
        "marketing_consent": ("Marketing Opt-in", "Newsletter", "Accepts Marketing"),
        "product_name": ("Item Name", "Product Name", "item_name", "Product name"),
        "sku": ("SKU", "Item SKU", "item_sku", "Product SKU"),
        "quantity": ("Quantity", "Qty", "item_quantity", "Quantity (- Refund)"),
        "unit_price": ("Item Cost", "Item Price", "item_price", "Product Price", "Cost"),
        "status": ("Order Status", "status", "Status"),
        "currency": ("Order Currency", "currency"),
    },
    signature=("Order Status|status", "Billing Email|billing_email|Billing Phone|billing_phone"),
    customer_kind="email",
    line_names_title_variant=True,
    guest_customer_ids=("0",),   # a guest checkout: keyed by billing e-mail, else kept a guest
    cancelled_statuses=("cancelled", "wc-cancelled", "refunded", "wc-refunded", "failed",
                        "wc-failed", "trash"),
)

AMAZON_REVIEWS = Layout(
    key="amazon_reviews",
    label="Amazon product reviews (each review counts as a purchase)",
    aliases={"customer_id": ("reviewerID",), "sku": ("asin",), "customer_name": ("reviewerName",),
             "ordered_at": ("unixReviewTime",), "rating": ("overall",),
             "summary": ("summary",), "review_text": ("reviewText",)},
    signature=("reviewerID", "asin"),
    customer_kind="reviewer",
    has_header=False,
    headerless_names=("reviewerID", "asin", "reviewerName", "helpful", "reviewText", "overall",
                      "summary", "unixReviewTime", "reviewTime"),
    date_column_is_epoch=True,
    kind="reviews",
)

LAYOUTS = {layout.key: layout for layout in (SHOPIFY, UCI_RETAIL, GROCERIES, TILL, WOOCOMMERCE,
                                               AMAZON_REVIEWS)}

GENERIC = Layout(key="generic", label="Your own layout (columns chosen by you)", aliases={},
                 signature=())


def detect_layout(header: list[str]) -> Layout | None:
    present = {h.strip().casefold() for h in header}
    for layout in LAYOUTS.values():
        if layout.has_header and all(
                any(option.casefold() in present for option in required.split("|"))
                for required in layout.signature):
            return layout
    return None


# A reviewer id, then a product id (ASIN), each maybe quoted, with the file's delimiter after each.
_AMAZON_ROW = re.compile(r'^\ufeff?"?A[0-9A-Z]{7,}"?\s*([,;\t|])\s*"?[0-9A-Z]{10}"?\s*\1')


def detect_headerless(first_line: str) -> Layout | None:
    """Files published without a header row (the Amazon review dumps) are known by their shape."""
    return AMAZON_REVIEWS if _AMAZON_ROW.match(first_line) else None
