#!/bin/sh
# The registry's command tests (tests/cli/registry.sh) against PostgreSQL: every registry is a
# database of a private cluster the test starts (initdb + pg_ctl, Unix socket only) and stops.
TIDU_TEST_BACKEND=pg
export TIDU_TEST_BACKEND
. tests/cli/registry.sh
