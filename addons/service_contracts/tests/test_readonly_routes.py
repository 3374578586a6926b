from odoo.tests import HttpCase, freeze_time, tagged

from odoo.addons.service_portal.tests.test_readonly_routes import (
    ReadonlyRoutesMixin,
    route_readonly_modes,
)

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractReadonlyRoutes(ReadonlyRoutesMixin, ServiceContractsCommon, HttpCase):
    """The contracts' portal pages answer on a read-only cursor (the replica
    when ``db_replica_host`` is set); acceptance writes (issue 14 §4)."""

    def test_readonly_route_list(self):
        self.assertEqual(
            route_readonly_modes(self.env, ("/my/service-contracts",)),
            {
                "/my/service-contracts": True,
                "/my/service-contracts/page/<int:page>": True,
                "/my/service-contracts/<int:contract_id>": True,
                "/my/service-contracts/<int:contract_id>/accept": False,
            },
        )

    def test_pages_answer_on_a_readonly_cursor(self):
        quote = self._create_contract()
        active = self._create_active_contract(date_end="2026-12-31")
        with freeze_time("2026-02-10"):
            active.action_invoice_now()
        active.access_token = False
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        self._get_readonly("/my/service-contracts")
        self._get_readonly("/my/service-contracts?filterby=active")
        for contract in (quote, active):
            response = self._get_readonly(f"/my/service-contracts/{contract.id}")
            self.assertIn(contract.name, response.text)
        self._get_readonly("/my/service-contracts/2147483648", 404)
        self.authenticate(None, None)
        token = active._portal_ensure_token()
        self._get_readonly(f"/my/service-contracts/{active.id}?access_token={token}")
