import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// Wait this long after the last keystroke or device change before asking.
const DEBOUNCE_DELAY = 400;
// Ask only once the problem has a few characters.
const MIN_TEXT_LENGTH = 8;

/**
 * New service order form: suggests the help articles that may solve the
 * problem, from the device (a registered device's model, or the model
 * chosen) and the words of the problem description. The server chooses
 * (/service/help/suggest, at most five visible articles, rate limited);
 * each suggestion opens in a new tab so that the form keeps what was typed.
 */
export class ServiceArticleSuggestions extends Interaction {
    static selector = ".o_service_order_form";
    static selectorHas = ".o_service_knowledge_suggestions";

    fetchLater = this.debounced(this.fetchSuggestions, DEBOUNCE_DELAY);
    dynamicContent = {
        "textarea[name='problem_description']": { "t-on-input": this.fetchLater },
        "select[name='device_model_id'], select[name='service_item_id']": {
            "t-on-change": this.fetchLater,
        },
        ".o_service_knowledge_suggestions": {
            "t-att-class": () => ({ "d-none": !this.suggestions.length }),
        },
    };

    setup() {
        this.suggestions = [];
        this.lastQuery = "";
        this.listEl = this.el.querySelector(".o_service_knowledge_suggestion_list");
        this.registerCleanup(() => this.listEl.replaceChildren());
    }

    start() {
        // a form shown again with its values (errors, edit): suggest at once
        this.fetchSuggestions();
    }

    /**
     * @returns {string} id of the device model of the form, "" if none
     */
    get deviceModelId() {
        const itemOptionEl = this.el.querySelector("select[name='service_item_id']")
            ?.selectedOptions[0];
        if (itemOptionEl?.value) {
            return itemOptionEl.dataset.deviceModelId || "";
        }
        return this.el.querySelector("select[name='device_model_id']")?.value || "";
    }

    get problemText() {
        return (
            this.el.querySelector("textarea[name='problem_description']")?.value || ""
        ).trim();
    }

    async fetchSuggestions() {
        const deviceModelId = this.deviceModelId;
        const text = this.problemText;
        const query = JSON.stringify([deviceModelId, text]);
        if (query === this.lastQuery) {
            return;
        }
        this.lastQuery = query;
        let suggestions = [];
        if (deviceModelId && text.length >= MIN_TEXT_LENGTH) {
            try {
                suggestions = await this.waitFor(
                    rpc(
                        "/service/help/suggest",
                        { device_model_id: parseInt(deviceModelId), text },
                        { silent: true }
                    )
                );
            } catch {
                // suggestions are a help, not a step: the form works without
                suggestions = [];
            }
            if (query !== this.lastQuery) {
                return; // the answer to an older question
            }
        }
        this.showSuggestions(suggestions || []);
    }

    /**
     * @param {{id: number, name: string, url: string}[]} suggestions
     */
    showSuggestions(suggestions) {
        this.suggestions = suggestions;
        this.listEl.replaceChildren();
        if (suggestions.length) {
            this.renderAt(
                "service_knowledge.ArticleSuggestions",
                { suggestions },
                this.listEl,
                "beforeend",
                undefined,
                false
            );
        }
    }
}

registry
    .category("public.interactions")
    .add("service_knowledge.service_article_suggestions", ServiceArticleSuggestions);
