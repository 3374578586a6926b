# Service management addons for Odoo 19: the two commands you need are
#   make run    set everything up and start Odoo on http://localhost:8069 with demo data
#   make test   run every test on a throw-away database
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DB ?= service_demo
PORT ?= 8069
ADDONS := $(shell ls addons)
ADDONS_LIST := $(shell echo $(ADDONS) | tr ' ' ',')
# English first (the default language of contacts), then the shipped ones
LANGUAGES ?= en_US,pl_PL,es_ES,bg_BG,it_IT,sv_SE,fi_FI,de_DE

.PHONY: setup run demo-db test lint clean-db pot po-check

setup:
	tools/setup.sh

# Creates the demo database on first run (addons + demo data, the shipped
# languages loaded and offered by the website), then serves it.
demo-db: setup
	@if ! psql -X -lqt | cut -d'|' -f1 | grep -qw "$(DB)"; then \
		echo "Creating database $(DB) with the addons and demo data"; \
		$(PY) $$(cat build/odoo_src)/odoo-bin -c build/odoo.conf -d $(DB) \
			-i $(ADDONS_LIST) --with-demo --load-language=$(LANGUAGES) \
			--stop-after-init --http-port=$(PORT); \
	fi

run: demo-db
	$(PY) $$(cat build/odoo_src)/odoo-bin -c build/odoo.conf -d $(DB) \
		--db-filter='^$(DB)$$' --http-port=$(PORT) $(ARGS)

test: setup
	$(PY) tools/run_tests.py

lint: setup
	$(VENV)/bin/ruff check addons tests tools
	$(VENV)/bin/ruff format --check addons tests tools

# Regenerate the translation templates (i18n/<addon>.pot) from a demo-less database.
pot: setup
	$(PY) tools/export_pot.py $(ADDONS)
	$(PY) tools/po.py sync

# Every .po has every msgid of its .pot, translated, not fuzzy, same placeholders/tags.
po-check: setup
	$(PY) tools/po.py check

clean-db:
	dropdb --if-exists $(DB)

# Portal pages, tracking and contract invoicing vs OCA's contract on a throw-away
# database (3 to 5 minutes; not run by CI; see docs/PERFORMANCE.md).
.PHONY: bench
bench: setup
	$(PY) tools/bench.py $(ARGS)

# 50 portal customers, 5 agents over JSON-2 and a tracking brute-forcer for 60 s
# against --workers=4 on a throw-away database (Locust, installed here on demand:
# not a requirement; see docs/PERFORMANCE.md). Exits non-zero when a check fails.
.PHONY: loadtest
loadtest: setup
	@$(PY) -c "import locust" 2>/dev/null || $(VENV)/bin/pip install -q locust
	$(PY) tools/loadtest.py $(ARGS)
