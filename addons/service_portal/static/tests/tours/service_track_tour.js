import { registry } from "@web/core/registry";

// An anonymous visitor tracks an order with its number and the customer's
// last name (typed in another case, with spaces around). The HttpCase creates
// order TRK-TOUR-0001 for "Tina Tourist", in repair, handled by "Theo Tech"
// at "Tour Workshop".
registry.category("web_tour.tours").add("service_track_tour", {
    url: "/service/track",
    steps: () => [
        {
            content: "Type a wrong last name first",
            trigger: "form#service_track_form input[name='order_number']",
            run: "edit trk-tour-0001",
        },
        {
            trigger: "form#service_track_form input[name='last_name']",
            run: "edit Stranger",
        },
        {
            content: "Track",
            trigger: "form#service_track_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Nothing is found and nothing is shown",
            trigger: "#service_track_result .alert-info",
        },
        {
            content: "The number typed is kept",
            trigger: "form#service_track_form input[name='order_number']:value('trk-tour-0001')",
        },
        {
            content: "Type the right last name, any case, spaces around",
            trigger: "form#service_track_form input[name='last_name']",
            run: "edit   TOURIST  ",
        },
        {
            trigger: "form#service_track_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The status is shown",
            trigger: "#service_track_result .o_service_track_status:contains('In repair')",
        },
        {
            trigger: "#service_track_result .o_service_track_device:contains('Tourbrand Phone X')",
        },
        {
            trigger: "#service_track_result .o_service_track_agent:contains('Theo Tech')",
        },
        {
            trigger: "#service_track_result .o_service_track_location:contains('Tour Workshop')",
        },
        {
            content: "No personal data of the customer",
            trigger: "#service_track_result:not(:contains('Tina')):not(:contains('tina@'))",
        },
    ],
});
