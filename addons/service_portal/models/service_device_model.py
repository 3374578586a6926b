from odoo import api, fields, models


class ServiceDeviceModel(models.Model):
    _name = "service.device.model"
    _description = "Device Model"
    _order = "brand, name"
    _rec_names_search = ["name", "brand"]

    name = fields.Char(string="Model", required=True, translate=False)
    brand = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    description = fields.Text()

    _brand_name_uniq = models.UniqueIndex(
        "(lower(brand), lower(name))",
        "A device model with this brand and name already exists.",
    )

    @api.depends("brand", "name")
    def _compute_display_name(self):
        for model in self:
            model.display_name = (
                f"{model.brand} {model.name}" if model.brand else model.name
            )
