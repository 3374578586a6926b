from odoo import api, fields, models


class ServiceArticleCategory(models.Model):
    _name = "service.article.category"
    _description = "Help Article Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    article_ids = fields.One2many("service.article", "category_id", string="Articles")
    article_count = fields.Integer(compute="_compute_article_count")

    @api.depends("article_ids")
    def _compute_article_count(self):
        counts = dict(
            self.env["service.article"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.article_count = counts.get(category, 0)
