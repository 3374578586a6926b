from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open


@tagged("post_install", "-at_install")
class TestBackOffice(TransactionCase):
    """What the service desk sees after ``make run`` (issue 13, defect 8)."""

    def test_contract_banner_reads_as_one_sentence(self):
        arch = self.env["service.order"].get_view(view_type="form")["arch"]
        [banner] = etree.fromstring(arch).xpath(
            "//div[contains(@class, 'alert')][.//field[@name='contract_id']]"
        )
        field = banner.xpath(".//field[@name='contract_id']")[0]
        # an inline-block widget in the sentence, not a block between brackets
        self.assertIn("oe_inline", field.get("class", "").split())
        self.assertNotIn("d-inline", field.get("class", "").split())
        text = " ".join("".join(banner.itertext()).split())
        self.assertNotIn("(", text)
        self.assertEqual(
            text,
            "Covered by service contract : its parts and labor are not charged.",
        )
        self.assertTrue(field.tail.startswith(":"))

    def test_demo_orders_taken_in_have_dates(self):
        """Confirmed and started demo orders were submitted and confirmed on
        a date, so that they have a promised date like real ones."""
        with file_open("service_contracts/demo/service_order_demo.xml", "rb") as f:
            demo = etree.parse(f)
        orders = demo.xpath("//record[@model='service.order']")
        self.assertTrue(orders)
        for order in orders:
            values = {field.get("name"): field for field in order.iter("field")}
            state = values.get("state")
            if state is None or state.text not in ("confirmed", "in_progress"):
                continue
            with self.subTest(order=order.get("id")):
                for name in ("date_submitted", "date_confirmed"):
                    self.assertIn("DateTime.today()", values[name].get("eval", ""))
