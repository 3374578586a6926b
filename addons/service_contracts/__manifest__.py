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
        "security/service_contracts_security.xml",
        "security/service_order_line_security.xml",
        "security/service_loan_security.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/product_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/mail_template_data.xml",
        "wizard/service_contract_cancel_views.xml",
        "views/service_contract_views.xml",
        "views/service_contract_templates.xml",
        "views/service_order_views.xml",
        "views/service_order_line_views.xml",
        "views/service_loan_item_views.xml",
        "views/service_contracts_menus.xml",
        "views/service_order_templates.xml",
    ],
    "demo": [
        "demo/service_contract_demo.xml",
        "demo/service_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "service_contracts/static/tests/tours/service_contract_*.js",
        ],
    },
}
