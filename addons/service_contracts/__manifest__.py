{
    "name": "Service Contracts",
    "version": "19.0.1.0.0",
    "category": "Services",
    "summary": "Service contracts, invoicing of service orders through Odoo "
    "accounting, and loaner devices",
    "author": "Service Desk Team",
    "website": "https://github.com/service-desk/odoo-service",
    "license": "LGPL-3",
    "depends": ["service_portal", "account", "resource"],
    "data": [
        "security/ir.model.access.csv",
        "security/service_order_line_security.xml",
        "security/service_loan_security.xml",
        "views/service_order_views.xml",
        "views/service_order_line_views.xml",
        "views/service_loan_item_views.xml",
    ],
    "demo": [
        "demo/service_order_demo.xml",
    ],
}
