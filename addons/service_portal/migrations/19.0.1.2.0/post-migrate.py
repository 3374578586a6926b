import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.service_portal.models.service_order import LEGACY_REQUEST_TYPES

_logger = logging.getLogger(__name__)

LEGACY_COLUMN = "request_type_legacy"


def _legacy_request_type(env, value):
    """The request type replacing the former selection value ``value``: the
    data record of its code, another type with that code, or a new one."""
    code = LEGACY_REQUEST_TYPES.get(value, value)
    RequestType = env["service.request.type"].with_context(active_test=False)
    request_type = env.ref(
        f"service_portal.service_request_type_{code}", raise_if_not_found=False
    )
    if not request_type:
        request_type = RequestType.search(
            [("code", "=", code), ("company_id", "=", False)], limit=1
        )
    if not request_type:
        request_type = RequestType.create({"name": value.title(), "code": code})
    return request_type


def migrate_request_types(env, column=LEGACY_COLUMN):
    """Point each order to the request type of its former ``request_type``
    value (kept in ``column`` by pre-migrate), then drop the column."""
    cr = env.cr
    if not column_exists(cr, "service_order", column):
        return
    cr.execute(
        SQL(
            "SELECT DISTINCT %s FROM service_order WHERE %s IS NOT NULL",
            SQL.identifier(column),
            SQL.identifier(column),
        )
    )
    for (value,) in cr.fetchall():
        request_type = _legacy_request_type(env, value)
        cr.execute(
            SQL(
                "UPDATE service_order SET request_type_id = %s WHERE %s = %s",
                request_type.id,
                SQL.identifier(column),
                value,
            )
        )
        _logger.info(
            "service orders of request type %r: %s (%s)",
            value,
            request_type.name,
            cr.rowcount,
        )
    cr.execute(SQL("ALTER TABLE service_order DROP COLUMN %s", SQL.identifier(column)))
    env["service.order"].invalidate_model(["request_type_id"])


def migrate(cr, version):
    migrate_request_types(api.Environment(cr, SUPERUSER_ID, {}))
