from odoo import Command

from odoo.addons.service_portal.tests.common import ServicePortalCommon
from odoo.addons.service_portal.tests.test_portal_common import (
    ServicePortalHttpCommon,
)


class ServiceKnowledgeMixin:
    """Help articles of every kind the rules tell apart (no demo data).

    Phone T1 (``model_phone``): a public article with "battery" in its title,
    a public one with "battery" in its body only, one for signed-in
    customers, an unpublished one, an archived one and another company's;
    Book T2 (``model_laptop``): one public article; one article about every
    device.
    """

    @classmethod
    def _create_knowledge_data(cls):
        Category = cls.env["service.article.category"]
        cls.category_power = Category.create({"name": "Power", "sequence": 1})
        cls.category_screen = Category.create({"name": "Screen", "sequence": 2})
        cls.company_b = cls.env["res.company"].create({"name": "Knowledge Company B"})
        cls.article_drain = cls._create_article(
            "Battery drains overnight",
            "<p>Charge to 100% and close the apps you do not use.</p>",
            category=cls.category_power,
            sequence=2,
        )
        cls.article_black = cls._create_article(
            "Black screen after a fall",
            "<p>Force a restart; an empty battery also keeps the screen dark.</p>",
            category=cls.category_screen,
            sequence=1,
        )
        cls.article_portal = cls._create_article(
            "Battery calibration for customers",
            "<p>Our technicians' calibration steps.</p>",
            category=cls.category_power,
            visibility="portal",
            sequence=3,
        )
        cls.article_draft = cls._create_article(
            "Battery replacement draft",
            "<p>Not reviewed yet.</p>",
            category=cls.category_power,
            is_published=False,
            sequence=4,
        )
        cls.article_archived = cls._create_article(
            "Battery recall archived",
            "<p>Old campaign.</p>",
            category=cls.category_power,
            active=False,
        )
        cls.article_other_company = cls._create_article(
            "Battery tips of company B",
            "<p>Another company's help.</p>",
            company_id=cls.company_b.id,
        )
        cls.article_laptop = cls._create_article(
            "Laptop battery does not charge",
            "<p>Check the adapter.</p>",
            models=cls.model_laptop,
            category=cls.category_power,
        )
        cls.article_general = cls._create_article(
            "Back up your data",
            "<p>Copy your photos before sending a device with a dead battery.</p>",
            models=cls.env["service.device.model"],
        )

    @classmethod
    def _create_article(cls, name, body="", models=None, category=None, **values):
        vals = {
            "name": name,
            "body": body,
            "is_published": True,
            "device_model_ids": [
                Command.set((cls.model_phone if models is None else models).ids)
            ],
            "category_id": category.id if category else False,
        }
        vals.update(values)
        return cls.env["service.article"].create(vals)


class ServiceKnowledgeCommon(ServiceKnowledgeMixin, ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_knowledge_data()


class ServiceKnowledgeHttpCommon(ServiceKnowledgeMixin, ServicePortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_knowledge_data()

    def _article_ids_in(self, html):
        """Ids of the articles listed on a help centre page, in order."""
        ids = []
        marker = 'data-article-id="'
        start = html.find(marker)
        while start != -1:
            end = html.index('"', start + len(marker))
            ids.append(int(html[start + len(marker) : end]))
            start = html.find(marker, end)
        return ids

    def _suggest(self, text, device_model=None, **params):
        payload = {
            "device_model_id": (device_model or self.model_phone).id,
            "text": text,
        }
        payload.update(params)
        return self.make_jsonrpc_request("/service/help/suggest", payload)
