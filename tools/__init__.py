"""Stand-ins and build scripts that are not part of the product (the wheel does not install them)."""
