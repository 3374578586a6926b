import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * New service order form: shows the questions that apply to the chosen device
 * model and request type (each question block carries the ids of its device
 * models and request types, rendered server-side; empty means every device or
 * every type). Hidden questions keep what was typed
 * and are disabled so that they are not posted; the server validates again.
 *
 * Everything it changes is declared in `dynamicContent`, so the framework
 * applies it and restores the page when the interaction stops.
 */
export class ServiceOrderForm extends Interaction {
    static selector = ".o_service_order_form";
    dynamicContent = {
        "select[name=service_item_id], select[name=device_model_id]": {
            "t-on-change": this.readDevice,
        },
        "select[name=request_type_id]": {
            "t-on-change": this.readRequestType,
        },
        ".o_service_order_manual_device": {
            "t-att-class": () => ({ "d-none": this.hasItem }),
        },
        ".o_service_order_task": {
            "t-att-class": (taskEl) => ({ "d-none": !this.isTaskVisible(taskEl) }),
        },
        ".o_service_order_task :is(input, select, textarea)": {
            "t-att-disabled": (inputEl) =>
                !this.isTaskVisible(inputEl.closest(".o_service_order_task")),
        },
    };

    setup() {
        this.hasItem = false;
        this.modelId = "";
        this.requestTypeId = "";
        this.readDevice();
        this.readRequestType();
    }

    /**
     * Reads the request type chosen.
     */
    readRequestType() {
        this.requestTypeId =
            this.el.querySelector("select[name=request_type_id]")?.value || "";
    }

    /**
     * Reads the device chosen: a registered device (its model) or a model.
     */
    readDevice() {
        const itemOptionEl = this.el.querySelector("select[name=service_item_id]")
            ?.selectedOptions[0];
        this.hasItem = Boolean(itemOptionEl?.value);
        this.modelId = this.hasItem
            ? itemOptionEl.dataset.deviceModelId || ""
            : this.el.querySelector("select[name=device_model_id]")?.value || "";
    }

    /**
     * @param {HTMLElement} taskEl a question block
     * @returns {boolean} whether the question applies to the chosen model
     *     and request type
     */
    isTaskVisible(taskEl) {
        const modelIds = (taskEl.dataset.deviceModelIds || "").split(",").filter(Boolean);
        const typeIds = (taskEl.dataset.requestTypeIds || "").split(",").filter(Boolean);
        return (
            (!modelIds.length || modelIds.includes(this.modelId)) &&
            (!typeIds.length || typeIds.includes(this.requestTypeId))
        );
    }
}

registry
    .category("public.interactions")
    .add("service_portal.service_order_form", ServiceOrderForm);
