# Storage contract tests: SQLite always; PostgreSQL when THORBECKE_TEST_PG_URL is set
# (export THORBECKE_TEST_PG_URL=$(scripts/pg-test-server.sh start /tmp/thorbecke-pg)).
# Included from tests/core/CMakeLists.txt; thorbecke_test() is defined in tests/CMakeLists.txt.
thorbecke_test(NAME storage_test SRCS storage_test.cpp DEPS thorbecke_core LABELS storage)
