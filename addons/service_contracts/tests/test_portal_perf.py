from odoo.tests import HttpCase, tagged

from odoo.addons.service_portal.tests.common import render_as_user

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractListPerformance(ServiceContractsCommon, HttpCase):
    """The contracts list formats its cells once per page (controller) and
    renders its badges once per state: the rows must read as the ``t-field``
    widgets and the badge template rendered them for each row."""

    def test_list_cells_render_as_field_widgets(self):
        contracts = (
            self._create_contract(price=80.0)
            | self._create_active_contract(price=1234.5, date_end="2026-12-31")
            | self._create_active_contract(price=80.0, invoicing_period="year")
        )
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        text = self.url_open("/my/service-contracts").text
        self.assertEqual(text.count("o_service_contract_row"), len(contracts))
        # service_portal's list layout (long headers wrap, whole badges)
        self.assertIn('class="table-responsive border-0 o_service_portal_list"', text)
        user = self.env["res.users"].search([("login", "=", "sc_portal_alice")])

        def render(template, contract):
            return render_as_user(
                self.env, user, template, {"contract": contract.sudo()}
            )

        cells = (
            '<span t-field="contract.amount_untaxed" t-options="{\'widget\': '
            "'monetary', 'display_currency': contract.currency_id}\"/>",
            '<span class="text-muted small" t-field="contract.invoicing_period"/>',
            '<span t-field="contract.next_invoice_date"/>',
            '<span t-field="contract.date_end"/>',
        )
        for contract in contracts:
            with self.subTest(contract=contract.name):
                badge = render(
                    "service_contracts.portal_service_contract_state_badge", contract
                )
                same_state = contracts.filtered(
                    lambda c, s=contract.state: c.state == s
                )
                self.assertEqual(text.count(badge), len(same_state))
                for arch in cells:
                    html = render(arch, contract)
                    if html:  # t-field leaves the tag out for an empty value
                        self.assertIn(html, text)
        # an empty end date: no empty tag in its cell
        self.assertNotIn("<span></span>", text)
