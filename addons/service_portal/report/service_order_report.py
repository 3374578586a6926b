from odoo import fields, models
from odoo.tools import SQL

from ..models.service_order import ORDER_STATES, SLA_STATUSES


class ServiceOrderReport(models.Model):
    """Service order analysis: one line per submitted order, with the
    turnaround and response times the orders store in working time of their
    service hours."""

    _name = "service.order.report"
    _description = "Service Order Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date_submitted desc"

    order_id = fields.Many2one("service.order", string="Service Order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    location_id = fields.Many2one(
        "service.location", string="Service Location", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Service Agent", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    device_model_id = fields.Many2one("service.device.model", readonly=True)
    request_type_id = fields.Many2one("service.request.type", readonly=True)
    fault_area_id = fields.Many2one("service.code", readonly=True)
    symptom_code_id = fields.Many2one("service.code", string="Symptom", readonly=True)
    fault_code_id = fields.Many2one("service.code", string="Fault", readonly=True)
    resolution_code_id = fields.Many2one(
        "service.code", string="Resolution", readonly=True
    )
    state = fields.Selection(ORDER_STATES, string="Status", readonly=True)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], readonly=True)
    date_submitted = fields.Datetime(string="Submitted On", readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    turnaround_days = fields.Float(
        string="Turnaround (days)",
        aggregator="avg",
        readonly=True,
        help="Working days of the service hours from submission to done "
        "(calendar days without service hours); done orders only.",
    )
    response_hours = fields.Float(
        string="Response Time (hours)",
        aggregator="avg",
        readonly=True,
        help="Working hours of the service hours from submission to the start "
        "of the work; started orders only.",
    )
    sla_status = fields.Selection(SLA_STATUSES, string="SLA Status", readonly=True)
    sla_breached = fields.Boolean(string="SLA Breached", readonly=True)
    breach_count = fields.Integer(
        string="Breaches",
        aggregator="sum",
        readonly=True,
        help="Orders whose work did not start before the response deadline.",
    )

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT
                o.id AS id,
                o.id AS order_id,
                o.company_id,
                o.location_id,
                o.user_id,
                o.commercial_partner_id AS partner_id,
                o.device_model_id,
                o.request_type_id,
                o.fault_area_id,
                o.symptom_code_id,
                o.fault_code_id,
                o.resolution_code_id,
                o.state,
                o.priority,
                o.date_submitted,
                o.date_done,
                CASE WHEN o.date_done IS NOT NULL THEN o.turnaround_days END
                    AS turnaround_days,
                CASE
                    WHEN COALESCE(o.date_started, o.date_ready, o.date_done) IS NOT NULL
                    THEN o.response_hours
                END AS response_hours,
                o.sla_status,
                COALESCE(o.sla_status = 'breached', FALSE) AS sla_breached,
                CASE WHEN o.sla_status = 'breached' THEN 1 ELSE 0 END AS breach_count
            """
        )

    def _from(self):
        return SQL("FROM service_order o")

    def _where(self):
        return SQL("WHERE o.date_submitted IS NOT NULL")
