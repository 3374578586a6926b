from odoo import fields, models


class ServiceLocation(models.Model):
    _inherit = "service.location"

    auto_assign = fields.Boolean(
        string="Assign at Confirmation",
        groups="service_portal.service_portal_group_user",
        help="Confirmed orders of this location without a technician are "
        "assigned to the best one at once (skills, zone, next free slot, "
        "load). When nobody qualifies, the order stays unassigned and the "
        "location's default agent gets an activity. New orders of the "
        "location are then not given the default agent.",
    )
    technician_ids = fields.Many2many(
        "res.users",
        "service_location_res_users_rel",
        "location_id",
        "user_id",
        string="Technicians",
        groups="service_portal.service_portal_group_user",
        help="Technicians who work for this location.",
    )
