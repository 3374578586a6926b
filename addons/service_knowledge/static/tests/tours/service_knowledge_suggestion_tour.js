import { registry } from "@web/core/registry";

// A customer describes the problem on the new service order form, gets a
// help article suggested, opens it (in a new tab: the tour fetches the link
// as the browser's new tab would, with the same session), then still sends
// the device. Data: tests/test_tour.py.
registry.category("web_tour.tours").add("service_knowledge_suggestion_tour", {
    url: "/my/service-orders/new",
    steps: () => [
        {
            content: "Choose the device",
            trigger: "form.o_service_order_form select[name='device_model_id']",
            run: "selectByLabel Testbrand Phone T1",
        },
        {
            content: "Describe the problem",
            trigger: "form.o_service_order_form textarea[name='problem_description']",
            run: "edit The battery drains overnight",
        },
        {
            content: "An article is suggested, opening in a new tab",
            trigger:
                ".o_service_knowledge_suggestions:not(.d-none) a.o_service_knowledge_suggestion[target='_blank'][rel='noopener'][href*='from=suggest']:contains('Battery drains overnight')",
            async run() {
                const response = await fetch(this.anchor.href);
                if (!response.ok || !(await response.text()).includes("Charge to 100%")) {
                    throw new Error("The suggested article did not open");
                }
            },
        },
        {
            content: "The problem is still there",
            trigger: "textarea[name='problem_description']:value('The battery drains overnight')",
        },
        {
            trigger: "form.o_service_order_form input[name='serial_number']",
            run: "edit KB-TOUR-1",
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
            content: "The article did not help: send the device",
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
            content: "The order is sent",
            trigger: ".o_service_order_approved",
        },
    ],
});
