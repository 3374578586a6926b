import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("service_contract_accept_tour", {
    url: "/my/service-contracts?filterby=quote",
    steps: () => [
        {
            content: "Open the quote from the list of quotes",
            trigger: "a[href^='/my/service-contracts/']:contains('SC/')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The quote shows the covered device",
            trigger: "#service_contract_portal td:contains('Repair cover')",
        },
        {
            content: "Accept the quote",
            trigger: "#service_contract_accept_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The contract is accepted",
            trigger: "#service_contract_accepted_message",
        },
        {
            content: "The status is now active and the accept button gone",
            trigger: "#service_contract_portal .badge:contains('Active')",
        },
    ],
});
