{
    "name": "Service Knowledge Base",
    "version": "19.0.1.0.0",
    "category": "Services",
    "summary": "Help articles on the website, suggested to customers on the "
    "new service order form",
    "author": "Service Desk Team",
    "website": "https://github.com/service-desk/odoo-service",
    "license": "LGPL-3",
    "depends": ["service_portal", "website"],
    "data": [
        "security/ir.model.access.csv",
        "security/service_article_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/website_menu_data.xml",
        "views/service_article_category_views.xml",
        "views/service_article_views.xml",
        "views/service_article_suggest_log_views.xml",
        "views/service_knowledge_menus.xml",
        "views/service_article_templates.xml",
        "views/service_order_templates.xml",
    ],
    "demo": ["demo/service_article_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "service_knowledge/static/src/interactions/**/*",
        ],
        "web.assets_tests": [
            "service_knowledge/static/tests/tours/**/*",
        ],
    },
}
