#!/bin/sh
# The programme's year end to end (tests/cli/programme.sh) against PostgreSQL: the registry is a
# database of a private cluster the test starts (initdb + pg_ctl, Unix socket only) and stops.
TIDU_TEST_BACKEND=pg
export TIDU_TEST_BACKEND
. tests/cli/programme.sh
