{
    "name": "Service Shipping",
    "version": "19.0.1.1.0",
    "category": "Services",
    "summary": "Reseller shipments of service orders with packing list and "
    "QR shipping label",
    "author": "Service Desk Team",
    "website": "https://github.com/service-desk/odoo-service",
    "license": "LGPL-3",
    "depends": ["service_portal", "delivery"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [
        "security/ir.model.access.csv",
        "security/service_shipment_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_message_subtype_data.xml",
        "report/service_shipment_reports.xml",
        "report/service_shipment_templates.xml",
        "views/service_shipment_views.xml",
        "views/service_order_views.xml",
        "views/service_location_views.xml",
        "views/service_shipment_templates.xml",
        "views/service_order_templates.xml",
        "views/service_shipping_menus.xml",
    ],
    "demo": ["demo/service_shipping_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "service_shipping/static/src/interactions/**/*",
        ],
        "web.assets_tests": [
            "service_shipping/static/tests/tours/**/*",
        ],
    },
}
