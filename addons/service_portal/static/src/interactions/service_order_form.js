import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * New service order form: shows the questions that apply to the chosen device
 * model (each question block carries the ids of its device models, rendered
 * server-side; empty means every device). Hidden questions keep what was typed
 * and are disabled so that they are not posted; the server validates again.
 */
export class ServiceOrderForm extends Interaction {
    static selector = ".o_service_order_form";
    dynamicContent = {
        "select[name=service_item_id], select[name=device_model_id]": {
            "t-on-change": this.onDeviceChange,
        },
    };

    setup() {
        this.onDeviceChange();
    }

    /**
     * @returns {string} id of the device model chosen, "" if none
     */
    getDeviceModelId() {
        const itemEl = this.el.querySelector("select[name=service_item_id]");
        const itemOptionEl = itemEl?.selectedOptions[0];
        if (itemOptionEl && itemOptionEl.value) {
            return itemOptionEl.dataset.deviceModelId || "";
        }
        return this.el.querySelector("select[name=device_model_id]")?.value || "";
    }

    onDeviceChange() {
        const itemEl = this.el.querySelector("select[name=service_item_id]");
        const manualEl = this.el.querySelector(".o_service_order_manual_device");
        if (manualEl) {
            manualEl.classList.toggle("d-none", Boolean(itemEl && itemEl.value));
        }
        const modelId = this.getDeviceModelId();
        for (const taskEl of this.el.querySelectorAll(".o_service_order_task")) {
            const modelIds = (taskEl.dataset.deviceModelIds || "").split(",").filter(Boolean);
            const visible = !modelIds.length || modelIds.includes(modelId);
            taskEl.classList.toggle("d-none", !visible);
            for (const inputEl of taskEl.querySelectorAll("input, select, textarea")) {
                inputEl.disabled = !visible;
            }
        }
    }
}

registry.category("public.interactions").add("service_portal.service_order_form", ServiceOrderForm);
