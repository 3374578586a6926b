from odoo import fields, models

from ..models.dispatch_slot import naive_utc


class ServiceDispatchSuggestLine(models.TransientModel):
    _name = "service.dispatch.suggest.line"
    _description = "Suggested Technician"
    _order = "rank, id"

    wizard_id = fields.Many2one(
        "service.dispatch.suggest",
        string="Suggestion",
        required=True,
        ondelete="cascade",
    )
    rank = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", string="Technician", readonly=True)
    skills = fields.Char(readonly=True, help="The required skills the technician has.")
    in_zone = fields.Boolean(readonly=True)
    date_start = fields.Datetime(string="Next Free Slot", readonly=True)
    date_end = fields.Datetime(string="Until", readonly=True)
    load = fields.Integer(string="Open Orders", readonly=True)
    capacity = fields.Integer(readonly=True, help="0 means no limit.")
    load_display = fields.Char(string="Load", readonly=True)
    reason = fields.Char(readonly=True)

    def _prepare_values(self, order, candidate, rank):
        env = order.env
        skills = order.required_skill_ids
        load_display = (
            f"{candidate.load} / {candidate.capacity}"
            if candidate.capacity
            else str(candidate.load)
        )
        reasons = [
            env._("has the skills %(skills)s", skills=", ".join(skills.mapped("name")))
            if skills
            else env._("no skill required")
        ]
        if order.zone_id:
            reasons.append(
                env._("covers %(zone)s", zone=order.zone_id.display_name)
                if candidate.in_zone
                else env._("outside %(zone)s", zone=order.zone_id.display_name)
            )
        reasons.append(env._("load %(load)s", load=load_display))
        return {
            "rank": rank,
            "user_id": candidate.user.id,
            "skills": ", ".join(skills.mapped("name")),
            "in_zone": candidate.in_zone,
            "date_start": naive_utc(candidate.start),
            "date_end": naive_utc(candidate.end),
            "load": candidate.load,
            "capacity": candidate.capacity,
            "load_display": load_display,
            "reason": "; ".join(reasons),
        }

    def action_pick(self):
        """Assign the order to this technician at their next free slot."""
        self.ensure_one()
        self.wizard_id.order_id._dispatch_assign_to(self.user_id)
        return {"type": "ir.actions.act_window_close"}
