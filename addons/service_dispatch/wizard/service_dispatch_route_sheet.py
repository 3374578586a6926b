import pytz

from odoo import Command, api, fields, models


class ServiceDispatchRouteSheet(models.TransientModel):
    _name = "service.dispatch.route.sheet"
    _description = "Print Route Sheets"

    user_ids = fields.Many2many(
        "res.users",
        string="Technicians",
        required=True,
        domain=lambda self: self.env["res.users"]._service_technician_domain(),
    )
    date = fields.Date(string="Day", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        """From the technicians list: the selected technicians; from the
        orders: their technicians and the day of the first planned one."""
        self.check_access("create")
        values = super().default_get(fields_list)
        context = self.env.context
        ids = context.get("active_ids") or []
        if context.get("active_model") == "res.users" and ids:
            values["user_ids"] = [Command.set(ids)]
        elif context.get("active_model") == "service.order" and ids:
            orders = self.env["service.order"].browse(ids)
            values["user_ids"] = [Command.set(orders.user_id.ids)]
            planned = orders.filtered("date_planned_start").sorted(
                "date_planned_start"
            )[:1]
            if planned:
                tz = pytz.timezone(self.env.user.tz or "UTC")
                start = pytz.utc.localize(planned.date_planned_start)
                values["date"] = start.astimezone(tz).date()
        return values

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "service_dispatch.action_report_service_route_sheet"
        ).report_action(self.user_ids, data={"date": fields.Date.to_string(self.date)})
