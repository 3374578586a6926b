import { registry } from "@web/core/registry";

// The customer approves the estimate of their order with a drawn signature
// (the order is made by the Python test).
registry.category("web_tour.tours").add("service_order_estimate_approve", {
    url: "/my/service-orders",
    steps: () => [
        {
            content: "open the order from the customer's list",
            trigger: "tbody a[href^='/my/service-orders/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the estimate waits for the customer",
            trigger: "#service_order_estimate[data-estimate-state=sent]",
        },
        {
            content: "open the approval dialog",
            trigger: ".o_service_estimate_approve",
            run: "click",
        },
        {
            content: "type the name to sign with",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Alice Contoso",
        },
        {
            content: "the signature is drawn from the name",
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "choose another signature style",
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            content: "pick the fourth style",
            trigger: ".o-dropdown-item:eq(3)",
            run: "click",
        },
        {
            content: "approve and sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the estimate is approved by the signer",
            trigger: "#service_order_estimate[data-estimate-state=approved]:contains(Alice Contoso)",
        },
    ],
});

// The customer rejects the estimate with a reason (order made by the test).
registry.category("web_tour.tours").add("service_order_estimate_reject", {
    url: "/my/service-orders",
    steps: () => [
        {
            content: "open the order from the customer's list",
            trigger: "tbody a[href^='/my/service-orders/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "open the rejection dialog",
            trigger: "#service_order_estimate[data-estimate-state=sent] .o_service_estimate_reject",
            run: "click",
        },
        {
            content: "say why",
            trigger: ".modal textarea[name=reason]",
            run: "edit Too expensive: I buy a new one.",
        },
        {
            content: "reject",
            trigger: ".modal .o_service_estimate_reject_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the estimate is rejected with the reason",
            trigger: "#service_order_estimate[data-estimate-state=rejected]:contains(I buy a new one)",
        },
    ],
});
