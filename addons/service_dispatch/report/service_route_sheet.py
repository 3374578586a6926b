from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP


class ReportServiceRouteSheet(models.AbstractModel):
    _name = "report.service_dispatch.report_service_route_sheet"
    _description = "Route Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        """One page per technician: their orders planned on the day, in
        visiting order (planned start), in the technician's time zone."""
        if not self.env.su and not self.env.user.has_group(SERVICE_USER_GROUP):
            raise AccessError(self.env._("Route sheets are for the service desk."))
        day = fields.Date.to_date(
            (data or {}).get("date")
        ) or fields.Date.context_today(self)
        users = self.env["res.users"].browse(docids)
        sheets = []
        for user in users:
            sheets.append(self._get_sheet(user, day))
        return {
            "doc_ids": docids,
            "doc_model": "res.users",
            "docs": users,
            "day": day,
            "sheets": sheets,
        }

    def _get_sheet(self, user, day):
        tz = user._service_get_tz()
        day_start, day_end = user._service_day_bounds(day)
        orders = self.env["service.order"].search(
            [
                ("user_id", "=", user.id),
                ("state", "!=", "cancelled"),
                ("date_planned_start", "<", day_end),
                ("date_planned_start", ">=", day_start),
            ],
            order="date_planned_start, id",
        )
        return {
            "user": user,
            "tz": tz,
            "visits": [
                {
                    "order": order,
                    "time": order._get_route_sheet_time(tz),
                    "partner": order.partner_id,
                    "phone": order.partner_id.phone
                    or order.partner_id.commercial_partner_id.phone,
                }
                for order in orders
            ],
            "hours": sum(orders.mapped("planned_hours")),
        }
