import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { redirect } from "@web/core/utils/urls";

/**
 * Reject form of a service order's estimate: sends the reason over JSON-RPC
 * (as the signature form sends an approval) and follows the server's answer:
 * a redirect on success, an error message otherwise.
 */
export class ServiceEstimateReject extends Interaction {
    static selector = ".o_service_estimate_reject_form";
    dynamicContent = {
        _root: { "t-on-submit.prevent": this.onSubmit },
        ".o_service_estimate_reject_error": {
            "t-att-class": () => ({ "d-none": !this.error }),
            "t-out": () => this.error,
        },
        ".o_service_estimate_reject_submit": {
            "t-att-disabled": () => this.busy,
        },
    };

    setup() {
        this.error = "";
        this.busy = false;
    }

    async onSubmit() {
        const reason = this.el.querySelector("textarea[name=reason]").value.trim();
        if (!reason) {
            this.error = this.el.querySelector("label[for=service_estimate_reason]").textContent.trim();
            return;
        }
        this.busy = true;
        const params = { reason };
        if (this.el.dataset.accessToken) {
            params.access_token = this.el.dataset.accessToken;
        }
        const data = await this.waitFor(rpc(this.el.dataset.callUrl, params));
        if (data.force_refresh) {
            redirect(data.redirect_url || window.location.href);
            return;
        }
        this.busy = false;
        this.error = data.error || "";
    }
}

registry
    .category("public.interactions")
    .add("service_contracts.service_estimate_reject", ServiceEstimateReject);
