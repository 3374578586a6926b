import { registry } from "@web/core/registry";

// Anna (demo data, Northwind Clinics) opens her company's orders: one of them,
// Omar's laptop, was moved to the non-public "Board Repair Lab (internal)".
// The list and the order page must show it (they used to answer 403).
registry.category("web_tour.tours").add("service_order_demo_company_tour", {
    url: "/my/service-orders?filterby=all",
    steps: () => [
        {
            content: "The company's list shows the internal location's name",
            trigger: "tr.o_service_order_row td:contains('Board Repair Lab (internal)')",
        },
        {
            content: "Open Omar's order at the internal lab",
            trigger:
                "tr.o_service_order_row:has(td:contains('Board Repair Lab (internal)')) a[href^='/my/service-orders/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order page shows the location and the laptop",
            trigger: ".o_service_order_location:contains('Board Repair Lab (internal)')",
        },
        {
            trigger: "body:contains('GBP-90412')",
        },
    ],
});
