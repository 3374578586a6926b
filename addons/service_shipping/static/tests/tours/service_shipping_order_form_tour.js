import { registry } from "@web/core/registry";

// New service order form (interaction service_order_shipping): only the
// shipping methods of the chosen location are offered, and a method of the
// previous location is dropped when the location changes. "Main Workshop"
// accepts "Test Courier" and "Test Post", "North Workshop" only
// "Test Courier". The HttpCase (tests/test_tour.py) creates the data.
registry.category("web_tour.tours").add("service_shipping_order_form_tour", {
    url: "/my/service-orders/new",
    steps: () => [
        {
            content: "No location yet: no location's methods are offered",
            trigger:
                "select#carrier_id:not(:has(optgroup:not([hidden]))):has(optgroup[label='Main Workshop'][disabled])",
        },
        {
            content: "Choose the Main Workshop",
            trigger: "select#location_id",
            run: "selectByLabel Main Workshop",
        },
        {
            content: "Its two methods are offered, the North Workshop's are not",
            trigger:
                "select#carrier_id:has(optgroup[label='Main Workshop']:not([hidden]):not([disabled])):has(optgroup[label='North Workshop'][hidden][disabled])",
        },
        {
            content: "Send it by post",
            trigger: "select#carrier_id",
            run: "selectByLabel Test Post",
        },
        {
            content: "Choose the North Workshop instead",
            trigger: "select#location_id",
            run: "selectByLabel North Workshop",
        },
        {
            content: "The post is no longer a choice: back to bringing the device",
            trigger:
                "select#carrier_id:has(option[value='']:checked):has(optgroup[label='North Workshop']:not([hidden])):has(optgroup[label='Main Workshop'][hidden])",
        },
    ],
});
