from odoo.tools import SQL


def uninstall_hook(env):
    """Drop what ServiceOrder.init() added to service_order outside the ORM."""
    env.cr.execute(
        SQL(
            "ALTER TABLE service_order "
            "DROP CONSTRAINT IF EXISTS service_order_shipment_group_fkey, "
            "DROP COLUMN IF EXISTS shipment_key"
        )
    )
