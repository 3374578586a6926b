from odoo.tools import SQL


def migrate(cr, version):
    """19.0.1.0.0 kept an order's reseller, location and method equal to its
    shipment's with a composite foreign key on a generated column, added
    outside the ORM; the constraint ServiceOrder._check_shipment_id does it
    now. Drop both: nothing maintains them any more. (The UNIQUE constraint
    the key referred to is reflected by the ORM, which drops it at the end
    of the upgrade.)"""
    cr.execute(
        SQL(
            "ALTER TABLE service_order "
            "DROP CONSTRAINT IF EXISTS service_order_shipment_group_fkey, "
            "DROP COLUMN IF EXISTS shipment_key"
        )
    )
