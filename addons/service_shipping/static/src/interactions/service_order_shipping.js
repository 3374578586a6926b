import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * New service order form: offer only the shipping methods of the chosen
 * location (the server checks the choice again).
 */
export class ServiceOrderShipping extends Interaction {
    static selector = "select#carrier_id";

    setup() {
        this.locationEl = this.el.form?.querySelector("select[name='location_id']");
        if (this.locationEl) {
            this.addListener(this.locationEl, "change", this.update);
        }
        this.update();
    }

    update() {
        const locationId = this.locationEl ? this.locationEl.value : "";
        for (const group of this.el.querySelectorAll("optgroup")) {
            const match = group.dataset.locationId === locationId;
            group.hidden = !match;
            group.disabled = !match;
        }
        const selected = this.el.selectedOptions[0];
        if (selected && selected.parentElement.disabled) {
            this.el.value = "";
        }
    }
}

registry
    .category("public.interactions")
    .add("service_shipping.service_order_shipping", ServiceOrderShipping);
