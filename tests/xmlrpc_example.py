"""Drive the service desk over XML-RPC, as an integrator would.

Start a server with demo data (``make run``), then:
    python tests/xmlrpc_example.py [url] [db] [login] [password]
"""

import sys
import xmlrpc.client


def main(
    url="http://localhost:8069", db="service_demo", login="admin", password="admin"
):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, password, model, method, list(args), kwargs)

    partner_id = call("res.partner", "create", {"name": "API Customer"})
    location_id = call(
        "service.location", "search", [("is_public", "=", True)], limit=1
    )[0]
    model_id = call(
        "service.device.model", "create", {"brand": "API", "name": "Device 1"}
    )
    order_id = call(
        "service.order",
        "create",
        {
            "partner_id": partner_id,
            "device_model_id": model_id,
            "serial_number": "API-0001",
            "problem_description": "Created over XML-RPC",
            "location_id": location_id,
        },
    )
    call("service.order", "action_submit", [order_id])
    call("service.order", "action_confirm", [order_id])
    order = call(
        "service.order", "read", [order_id], ["name", "state", "date_promised"]
    )[0]
    sys.stdout.write(
        f"{order['name']}: {order['state']}, promised {order['date_promised']}\n"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
