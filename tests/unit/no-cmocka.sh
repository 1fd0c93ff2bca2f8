#!/bin/sh
# Stands in for the unit tests when configure found no cmocka.
echo "1..0 # SKIP cmocka (libcmocka-dev) is not installed: the unit tests were not built"
