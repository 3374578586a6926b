{
    "name": "Service Shipping",
    "version": "19.0.1.0.0",
    "category": "Services",
    "summary": "Reseller shipments of service orders with packing list and "
    "QR shipping label",
    "author": "Service Desk Team",
    "website": "https://github.com/service-desk/odoo-service",
    "license": "LGPL-3",
    "depends": ["service_portal", "delivery"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [],
    "demo": [],
}
