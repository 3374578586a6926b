from odoo.tests import HttpCase, freeze_time, tagged

from odoo.addons.service_portal.tests.test_readonly_routes import (
    ReadonlyRoutesMixin,
    route_readonly_modes,
)

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractReadonlyRoutes(ReadonlyRoutesMixin, ServiceContractsCommon, HttpCase):
    """The contracts' list answers on a read-only cursor (the replica when
    ``db_replica_host`` is set); the contract page (access tokens) and the
    acceptance write (issue 14 §4)."""

    def test_readonly_route_list(self):
        self.assertEqual(
            route_readonly_modes(self.env, ("/my/service-contracts",)),
            {
                "/my/service-contracts": True,
                "/my/service-contracts/page/<int:page>": True,
                # creates missing access tokens (the pager's links)
                "/my/service-contracts/<int:contract_id>": False,
                "/my/service-contracts/<int:contract_id>/accept": False,
            },
        )

    def test_pages_answer_on_a_readonly_cursor(self):
        quote = self._create_contract()
        active = self._create_active_contract(date_end="2026-12-31")
        with freeze_time("2026-02-10"):
            active.action_invoice_now()
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        self._get_readonly("/my/service-contracts")
        self._get_readonly("/my/service-contracts?filterby=active")
        for contract in (quote, active):
            response = self._get_read_write(f"/my/service-contracts/{contract.id}")
            self.assertIn(contract.name, response.text)
