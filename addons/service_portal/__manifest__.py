{
    "name": "Service Portal",
    "version": "19.0.1.0.0",
    "category": "Services",
    "summary": "Service and repair desk: service orders, questions, locations "
    "and a customer portal",
    "author": "Service Desk Team",
    "website": "https://github.com/service-desk/odoo-service",
    "license": "LGPL-3",
    "depends": ["website", "portal", "mail", "auth_signup"],
    "data": [
        "security/service_portal_groups.xml",
        "security/ir.model.access.csv",
        "security/service_portal_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/mail_template_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/website_menu_data.xml",
        "views/service_location_views.xml",
        "views/service_device_model_views.xml",
        "views/service_item_views.xml",
        "views/service_task_views.xml",
        "views/service_order_views.xml",
        "views/res_partner_views.xml",
        "views/service_portal_menus.xml",
        "views/service_track_attempt_views.xml",
        "views/service_track_templates.xml",
        "views/service_portal_templates.xml",
        "views/service_order_templates.xml",
    ],
    "demo": [
        "demo/service_portal_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "service_portal/static/src/interactions/**/*",
        ],
        "web.assets_tests": [
            "service_portal/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
