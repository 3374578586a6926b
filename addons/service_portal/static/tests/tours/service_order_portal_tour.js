import { registry } from "@web/core/registry";

// A portal customer creates a service order: the question of the chosen device
// model appears when the model is picked, a required question left empty is
// reported next to the field with everything typed kept, then the summary is
// approved and the order shows in the list. Data: TestPortalTours.
registry.category("web_tour.tours").add("service_order_portal_tour", {
    url: "/my/service-orders",
    steps: () => [
        {
            content: "Open the form",
            trigger: "a.o_service_order_new",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Describe the problem first",
            trigger: "form.o_service_order_form textarea[name='problem_description']",
            run: "edit The fan is very loud",
        },
        {
            trigger: "form.o_service_order_form input[name='serial_number']",
            run: "edit TOUR-SN-1",
        },
        {
            trigger: "form.o_service_order_form select[name='location_id']",
            run: "selectByLabel Main Workshop",
        },
        {
            content: "Pick the laptop model: its question appears",
            trigger: "form.o_service_order_form select[name='device_model_id']",
            run: "selectByLabel Testbrand Book T2",
        },
        {
            trigger: ".o_service_order_task:contains('Battery cycle count') input",
            run: "edit 300",
        },
        {
            content: "What was typed before is still there",
            trigger: "textarea[name='problem_description']:value('The fan is very loud')",
        },
        {
            content: "Ask for the summary without answering the required question",
            trigger: "button.o_service_order_view_summary",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The error is next to the question",
            trigger: ".o_service_order_task:contains('contact with water') .o_service_order_error",
        },
        {
            content: "Everything typed is kept",
            trigger: "textarea[name='problem_description']:value('The fan is very loud')",
        },
        {
            trigger: ".o_service_order_task:contains('Battery cycle count') input:value('300')",
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
            content: "The summary shows everything",
            trigger: ".o_service_order_problem:contains('The fan is very loud')",
        },
        {
            trigger: "dd:contains('TOUR-SN-1')",
        },
        {
            trigger: "dt:contains('Battery cycle count') + dd:contains('300')",
        },
        {
            content: "Approve",
            trigger: "button.o_service_order_approve_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The confirmation shows the order number",
            trigger: ".o_service_order_approved:contains('SRV')",
        },
        {
            trigger: ".o_service_order_state:contains('Awaiting approval')",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb a[href='/my/service-orders']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new order is listed",
            trigger: ".o_service_order_row:contains('TOUR-SN-1'):contains('Awaiting approval')",
        },
    ],
});
