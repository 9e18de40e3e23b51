// The doctest runner: build/vgrad_tests takes doctest's own flags (-ltc, -tc=NAME, ...).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
