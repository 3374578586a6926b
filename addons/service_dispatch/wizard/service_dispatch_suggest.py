from odoo import Command, fields, models


class ServiceDispatchSuggest(models.TransientModel):
    _name = "service.dispatch.suggest"
    _description = "Suggest a Technician"

    order_id = fields.Many2one("service.order", required=True, ondelete="cascade")
    required_skill_ids = fields.Many2many(related="order_id.required_skill_ids")
    zone_id = fields.Many2one(related="order_id.zone_id")
    location_id = fields.Many2one(related="order_id.location_id")
    planned_hours = fields.Float(related="order_id.planned_hours")
    line_ids = fields.One2many(
        "service.dispatch.suggest.line", "wizard_id", string="Candidates"
    )
    message = fields.Text(readonly=True)

    def _load_candidates(self):
        """Fill the ranked candidates, or say why there is none."""
        for wizard in self:
            candidates, error = wizard.order_id._dispatch_rank()
            wizard.write(
                {
                    "message": error or False,
                    "line_ids": [Command.clear()]
                    + [
                        Command.create(
                            wizard.line_ids._prepare_values(
                                wizard.order_id, candidate, rank
                            )
                        )
                        for rank, candidate in enumerate(candidates, start=1)
                    ],
                }
            )
