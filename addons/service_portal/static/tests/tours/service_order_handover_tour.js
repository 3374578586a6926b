import { registry } from "@web/core/registry";

// A portal customer signs for the pickup of a ready order on its page, with
// Odoo's signature form (as sale's quotation acceptance). Data: TestPortalTours.
registry.category("web_tour.tours").add("service_order_handover_tour", {
    steps: () => [
        {
            trigger: ".o_service_order_handover button",
            run: "click",
        },
        {
            content: "The customer's name is filled in",
            trigger: ".modal .o_web_sign_name_and_signature input",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The hand-over is on the history",
            trigger: ".o_service_order_event[data-kind='handover']",
        },
    ],
});
