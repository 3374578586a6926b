import { registry } from "@web/core/registry";

// A portal customer picks the warranty request type (its question appears),
// attaches a photo of the damage on the new-order form, sees it on the
// summary and approves. Data: TestPortalTours.
registry.category("web_tour.tours").add("service_order_intake_tour", {
    url: "/my/service-orders/new",
    steps: () => [
        {
            trigger: "form.o_service_order_form select[name='request_type_id']",
            run: "selectByLabel Warranty Claim",
        },
        {
            trigger: ".o_service_order_task:contains('Proof of purchase number') textarea",
            run: "edit PO-4711",
        },
        {
            trigger: "form.o_service_order_form select[name='device_model_id']",
            run: "selectByLabel Testbrand Phone T1",
        },
        {
            trigger: "form.o_service_order_form input[name='serial_number']",
            run: "edit TOUR-INTAKE-1",
        },
        {
            trigger: "form.o_service_order_form textarea[name='problem_description']",
            run: "edit The screen is cracked",
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
            content: "Attach a photo of the damage",
            trigger: "form.o_service_order_form input[type='file'][name='attachment']",
            run() {
                // a 1x1 PNG: tours have no file helper, the input takes a DataTransfer
                const bytes = Uint8Array.from(
                    atob(
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
                    ),
                    (c) => c.charCodeAt(0)
                );
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "cracked-screen.png", { type: "image/png" }));
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: "button.o_service_order_view_summary",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The photo is on the summary",
            trigger: ".o_service_order_summary_files:contains('cracked-screen.png')",
        },
        {
            trigger: "button.o_service_order_approve_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The photo is on the order's history",
            trigger: ".o_service_order_event[data-kind='files']:contains('cracked-screen.png')",
        },
    ],
});
