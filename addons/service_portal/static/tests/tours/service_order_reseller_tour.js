import { registry } from "@web/core/registry";

// A reseller's approved order is confirmed at once. Data: TestPortalTours.
registry.category("web_tour.tours").add("service_order_reseller_tour", {
    url: "/my/service-orders/new",
    steps: () => [
        {
            trigger: "form.o_service_order_form select[name='device_model_id']",
            run: "selectByLabel Testbrand Phone T1",
        },
        {
            trigger: "form.o_service_order_form input[name='serial_number']",
            run: "edit RESELL-SN-7",
        },
        {
            trigger: "form.o_service_order_form textarea[name='problem_description']",
            run: "edit Customer reports a dead battery",
        },
        {
            trigger: "form.o_service_order_form select[name='location_id']",
            run: "selectByLabel Main Workshop",
        },
        {
            trigger: ".o_service_order_task:contains('contact with water') input[value='yes']",
            run: "click",
        },
        {
            trigger: "button.o_service_order_view_summary",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "button.o_service_order_approve_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirmed at once",
            trigger: ".o_service_order_approved:contains('is confirmed')",
        },
        {
            trigger: ".o_service_order_state[data-state='confirmed']:contains('Received')",
        },
    ],
});
