//! Integration tests of microgrid-cloud (modules added by other engineers).

mod harness_selftest;
