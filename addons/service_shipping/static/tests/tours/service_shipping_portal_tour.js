import { registry } from "@web/core/registry";

// A reseller's contact ships two devices: from /my to the Shipments tab,
// ticks the orders TOUR-SERIAL-1 and TOUR-SERIAL-2 (location "Main Workshop",
// method "Test Courier"), creates the shipment, sets the parcels and weight,
// confirms it and gets the packing list and the shipping label.
// The HttpCase (tests/test_tour.py) creates the data.
registry.category("web_tour.tours").add("service_shipping_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the Shipments tab",
            trigger: "a[href='/my/shipments']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Orders are grouped by location and shipping method",
            trigger: "form.o_shipment_group .o_shipment_group_carrier:contains('Test Post')",
        },
        {
            content: "Tick the first device",
            trigger: "form.o_shipment_group tr:contains('TOUR-SERIAL-1') input[name='order_ids']",
            run: "click",
        },
        {
            content: "Tick the second device",
            trigger: "form.o_shipment_group tr:contains('TOUR-SERIAL-2') input[name='order_ids']",
            run: "click",
        },
        {
            content: "Create the shipment",
            trigger:
                "form.o_shipment_group:has(tr:contains('TOUR-SERIAL-1')) button.o_shipment_create",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The draft shows both devices",
            trigger: ".o_shipment_message",
        },
        {
            trigger: "tr.o_shipment_order:contains('TOUR-SERIAL-2')",
        },
        {
            content: "Two parcels",
            trigger: "form.o_shipment_form input[name='parcel_count']",
            run: "edit 2",
        },
        {
            content: "Weight",
            trigger: "form.o_shipment_form input[name='weight']",
            run: "edit 1.5",
        },
        {
            content: "Confirm the shipment",
            trigger: "form.o_shipment_form button.o_shipment_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The packing list is offered",
            trigger: ".o_shipment_documents a.o_shipment_packing_list",
        },
        {
            content: "The shipping label is offered",
            trigger: ".o_shipment_documents a.o_shipment_label",
        },
        {
            content: "Back to the list: the shipment is there, confirmed",
            trigger: ".breadcrumb a[href='/my/shipments']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "tr.o_shipment_row:contains('Confirmed')",
        },
        {
            content: "The shipped devices are no longer waiting",
            trigger: "form.o_shipment_group:not(:has(tr:contains('TOUR-SERIAL-1')))",
        },
    ],
});
