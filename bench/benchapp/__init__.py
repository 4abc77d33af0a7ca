"""Reference views for bench/run, as a tiny app installed only when NEWSROOM_BENCH_VIEWS is on."""
