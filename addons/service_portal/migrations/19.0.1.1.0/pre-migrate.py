from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    """The response deadline and its at-risk threshold are computed with the
    promised date (one compute method). Created empty here, they are not
    computed on upgrade, so the promised dates of existing orders (possibly
    set by hand) are kept; no location had a response time before this
    version, so empty is their right value anyway."""
    for column in ("date_response_deadline", "date_sla_at_risk"):
        if not column_exists(cr, "service_order", column):
            create_column(cr, "service_order", column, "timestamp")
