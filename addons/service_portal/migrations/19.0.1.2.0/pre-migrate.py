from odoo.tools.sql import column_exists, rename_column

LEGACY_COLUMN = "request_type_legacy"


def migrate(cr, version):
    """Keep the former ``request_type`` selection values aside: the field is
    now computed from ``request_type_id``, which ``post-migrate`` fills from
    these values."""
    if column_exists(cr, "service_order", "request_type") and not column_exists(
        cr, "service_order", LEGACY_COLUMN
    ):
        rename_column(cr, "service_order", "request_type", LEGACY_COLUMN)
