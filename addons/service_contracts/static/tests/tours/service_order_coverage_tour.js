import { registry } from "@web/core/registry";

// A customer whose device is under warranty creates a service order: the summary
// says the warranty covers it before they approve, and the order page says it
// again next to the loaner lent to them. Data: TestOrderPortalTours.
registry.category("web_tour.tours").add("service_order_coverage_tour", {
    url: "/my/service-orders/new",
    steps: () => [
        {
            content: "Pick the registered device under warranty",
            trigger: "form.o_service_order_form select[name='service_item_id']",
            run: "selectByLabel Testbrand Phone T1 (WARRANTY-SN-1)",
        },
        {
            trigger: "form.o_service_order_form textarea[name='problem_description']",
            run: "edit The battery is swollen",
        },
        {
            trigger: "form.o_service_order_form select[name='location_id']",
            run: "selectByLabel Main Workshop",
        },
        {
            trigger: ".o_service_order_task:contains('contact with water') input[value='no']",
            run: "click",
        },
        {
            trigger: "button.o_service_order_view_summary",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The summary tells the customer the warranty covers the work",
            trigger: ".o_service_order_coverage[data-coverage='warranty']:contains('Covered by warranty')",
        },
        {
            content: "Approve",
            trigger: "button.o_service_order_approve_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_service_order_approved:contains('SRV')",
        },
        {
            content: "The order page shows the coverage",
            trigger: "#service_order_coverage:contains('Covered by warranty')",
        },
    ],
});

// The customer sees the loaner lent to them on their order page.
registry.category("web_tour.tours").add("service_order_loaner_tour", {
    url: "/my/service-orders",
    steps: () => [
        {
            content: "Open the order",
            trigger: ".o_service_order_row:contains('SN-LOANER-TOUR') a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The loaner, its serial number and due date are shown",
            trigger: "#service_order_loaner .o_service_loaner_serial:contains('LOANER-SN-77')",
        },
        {
            trigger: "#service_order_loaner .o_service_loaner_due:contains('03/09/2030')",
        },
    ],
});
