# Two commands do everything: `make run` and `make test` (both run `make setup` first).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEB_PACKAGES := libegl1 libegl-mesa0 libgl1-mesa-dri fonts-wqy-microhei espeak-ng alsa-utils \
                libportaudio2 libmtdev1 xclip sox
DATA_DIR ?= $(or $(KIOSK_DATA_DIR),var/kiosk)
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck tour bench clean debs

setup: debs $(STAMP)

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

run: setup
	$(PY) main.py --data-dir "$(DATA_DIR)" $(ARGS)

tour: setup
	$(PY) main.py --data-dir "$(DATA_DIR)" --tour tour

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

test: setup lint typecheck
	KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_NO_CONSOLELOG=1 SDL_VIDEODRIVER=offscreen \
	  $(VENV)/bin/pytest -q

bench: setup
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
