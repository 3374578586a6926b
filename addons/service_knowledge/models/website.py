from odoo import models


class Website(models.Model):
    _inherit = "website"

    def get_suggested_controllers(self):
        suggested = super().get_suggested_controllers()
        suggested.append(
            (
                self.env._("Help"),
                self.env["ir.http"]._url_for("/service/help"),
                "service_knowledge",
            )
        )
        return suggested

    def _search_get_details(self, search_type, order, options):
        result = super()._search_get_details(search_type, order, options)
        if search_type in ("service_articles", "all"):
            result.append(
                self.env["service.article"]._search_get_detail(self, order, options)
            )
        return result
