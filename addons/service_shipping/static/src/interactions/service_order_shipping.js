import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * New service order form: offer only the shipping methods of the chosen
 * location (the server checks the choice again). Each location's methods are
 * an <optgroup data-location-id> of the select#carrier_id; the others are
 * hidden and disabled while that location is not chosen, and restored as
 * rendered when the interaction stops.
 */
export class ServiceOrderShipping extends Interaction {
    static selector = ".o_service_order_form";
    static selectorHas = "select#carrier_id";

    dynamicContent = {
        "select[name='location_id']": { "t-on-change": this.onLocationChange },
        "select#carrier_id optgroup": {
            "t-att-hidden": (groupEl) => !this.isOffered(groupEl),
            "t-att-disabled": (groupEl) => !this.isOffered(groupEl),
        },
    };

    start() {
        // a value the browser restored from another location's methods
        this.onLocationChange();
    }

    /**
     * @returns {string} id of the chosen location, "" if none
     */
    get locationId() {
        return this.el.querySelector("select[name='location_id']")?.value || "";
    }

    /**
     * @param {HTMLElement} groupEl optgroup of one location's methods
     */
    isOffered(groupEl) {
        return groupEl.dataset.locationId === this.locationId;
    }

    /**
     * A method of the previous location is no longer a choice: back to
     * "I bring the device myself".
     */
    onLocationChange() {
        const carrierEl = this.el.querySelector("select#carrier_id");
        const groupEl = carrierEl.selectedOptions[0]?.closest("optgroup");
        if (groupEl && !this.isOffered(groupEl)) {
            carrierEl.value = "";
        }
    }
}

registry
    .category("public.interactions")
    .add("service_shipping.service_order_shipping", ServiceOrderShipping);
