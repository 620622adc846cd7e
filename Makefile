# Two commands do everything: `make run` and `make test` (both run `make setup` first).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEB_PACKAGES := libegl1 libegl-mesa0 libgl1-mesa-dri fonts-wqy-microhei espeak-ng alsa-utils \
                libportaudio2 libmtdev1 xclip sox libzinnia0 tegaki-zinnia-simplified-chinese \
                libzbar0 libusb-1.0-0 \
                cups-client cups printer-driver-cups-pdf poppler-utils
DATA_DIR ?= $(or $(KIOSK_DATA_DIR),var/kiosk)
STAMP := $(VENV)/.installed

# The demo terminal's keys: a provincial key pair, terminal credentials and a TLS certificate
# for the local simulator, made once per data dir by the simulator's own tool (tools/, not
# installed on a terminal; docs/provincial-sim.md). A real terminal gets these from the province
# through its config file; env values already set (or a --config) are never overridden.
DEMO_KEYS := $(DATA_DIR)/demo-keys
DEMO_TERMINAL := CZ-DEMO-0001
DEMO_PORT ?= 8765
DEMO_ENV := KIOSK_TERMINAL_ID=$${KIOSK_TERMINAL_ID:-$(DEMO_TERMINAL)} \
  KIOSK_PROVINCIAL_ENDPOINT=$${KIOSK_PROVINCIAL_ENDPOINT:-https://127.0.0.1:$(DEMO_PORT)/api/v1} \
  KIOSK_PROVINCIAL_PUBLIC_KEY_FILE=$${KIOSK_PROVINCIAL_PUBLIC_KEY_FILE:-$(DEMO_KEYS)/provincial_public.pem} \
  KIOSK_PROVINCIAL_CREDENTIALS_FILE=$${KIOSK_PROVINCIAL_CREDENTIALS_FILE:-$(DEMO_KEYS)/terminal-$(DEMO_TERMINAL).json} \
  KIOSK_PROVINCIAL_CA_FILE=$${KIOSK_PROVINCIAL_CA_FILE:-$(DEMO_KEYS)/tls_cert.pem}

.PHONY: setup run run-with-card sim test lint typecheck tour bench clean debs demo-keys bytecode

setup: debs $(STAMP) bytecode

# Our modules compiled ahead (only changed files are redone): a kiosk started where
# PYTHONDONTWRITEBYTECODE is set would otherwise compile ~60 modules at every power-on (~0.1 s).
bytecode: $(STAMP)
	@$(PY) -m compileall -q main.py kiosk offline_cache screens voice >/dev/null

# Debian packages: installed with apt-get when root, otherwise the exact command is printed.
debs:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages. As root run:"; \
	    echo "  apt-get update && apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo-keys: setup
	@test -f "$(DEMO_KEYS)/provincial_public.pem" || \
	  $(PY) -m tools.provincial_sim keys init "$(DEMO_KEYS)" --terminal-id $(DEMO_TERMINAL) --tls >/dev/null

# The kiosk on the bundled demo pack. Submissions queue locally; run `make sim` in a second
# terminal to let them sync to the provincial-system simulator on 127.0.0.1.
run: demo-keys
	$(DEMO_ENV) $(PY) main.py --data-dir "$(DATA_DIR)" $(ARGS)

# The kiosk with the ID-card reader simulator (tools/idcard_sim) on a pseudo-terminal, the
# serial driver pointed at it. Another terminal changes the card on the reader:
#   echo "place long" > var/kiosk/idcard-sim/in     (or "lift"; keys in IDCARD_CARDS)
IDCARD_CARDS ?= tools/idcard_sim/cards.json
IDCARD_PLACE ?= wang
run-with-card: demo-keys
	@dir="$(DATA_DIR)/idcard-sim"; mkdir -p "$$dir"; rm -f "$$dir/in" "$$dir/port"; mkfifo "$$dir/in"; \
	$(PY) -m tools.idcard_sim --cards "$(IDCARD_CARDS)" --place "$(IDCARD_PLACE)" \
	  < "$$dir/in" > "$$dir/port" & sim=$$!; \
	exec 3>"$$dir/in"; \
	for i in $$(seq 50); do test -s "$$dir/port" && break; sleep 0.1; done; \
	port=$$(head -1 "$$dir/port"); \
	echo "读卡器模拟器在 $$port；换卡：echo \"place KEY\" > $$dir/in"; \
	$(DEMO_ENV) KIOSK_IDCARD_DRIVER=serial KIOSK_IDCARD_PORT="$$port" \
	  $(PY) main.py --data-dir "$(DATA_DIR)" $(ARGS); rc=$$?; \
	exec 3>&-; kill $$sim 2>/dev/null; wait $$sim 2>/dev/null; exit $$rc

sim: demo-keys
	$(PY) -m tools.provincial_sim --host 127.0.0.1 --port $(DEMO_PORT) \
	  --db "$(DATA_DIR)/provincial-sim.sqlite3" --private-key "$(DEMO_KEYS)/provincial_private.pem" \
	  --terminals "$(DEMO_KEYS)/terminals.json" --tls-cert "$(DEMO_KEYS)/tls_cert.pem" \
	  --tls-key "$(DEMO_KEYS)/tls_key.pem" --progress-seconds 30

# Every supported display × font scale × theme (screens/displays.py): PNGs in tour/<size>-<scale>-<theme>/,
# one line per violation of the elder-friendly numbers; fails if any combination has one.
tour: demo-keys
	@failed=0; $(PY) -m screens.displays > .tour-combos; \
	while read size scale theme; do \
	  echo "== $$size $$scale $$theme"; \
	  $(DEMO_ENV) $(PY) main.py --data-dir "$(DATA_DIR)" --tour "tour/$$size-$$scale-$$theme" --audit \
	    --size $$size --font-scale $$scale --theme $$theme || failed=1; \
	done < .tour-combos; rm -f .tour-combos; exit $$failed

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

test: setup lint typecheck
	KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_NO_CONSOLELOG=1 SDL_VIDEODRIVER=offscreen \
	  $(VENV)/bin/pytest -q

bench: setup
	for b in benchmarks/[a-z]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
