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
    "data": [],
    "demo": [],
}
