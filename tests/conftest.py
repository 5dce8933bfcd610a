"""Shared pytest fixtures for memkeydb's Python tests.

Fixtures (all function-scoped, all cleaned up even when the test fails; the
server log tail is printed when the test failed or the server died):

    redis_server      a started reference redis-server        (helpers.servers.Server)
    memkeydb_server   a started memkeydb-server                (fails loudly if the binary is missing)
    server_factory    start more servers with options:
                          server_factory.redis(hash_max_listpack_entries=2)
                          server_factory.memkeydb(**{"memory-alloc-policy": "ratio"})

A Server has .port, .connect() (raw RESP, helpers.resp), .redis_py(), .log_tail().
Run:  MEMKEYDB_SERVER=build/memkeydb-server /usr/bin/python3 -m pytest -q tests/
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from helpers import servers  # noqa: E402


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _test_failed(request) -> bool:
    for when in ("setup", "call"):
        rep = getattr(request.node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


class ServerFactory:
    def __init__(self):
        self.started = []

    def _start(self, fn, **options):
        missing = None
        try:
            srv = fn(**options)
        except servers.ServerBinaryMissing as e:
            missing = str(e)
        if missing:  # fail (never skip): a missing binary must be noticed
            pytest.fail(missing, pytrace=False)
        self.started.append(srv)
        return srv

    def redis(self, **options) -> servers.Server:
        return self._start(servers.start_redis, **options)

    def memkeydb(self, **options) -> servers.Server:
        return self._start(servers.start_memkeydb, **options)

    def finish(self, failed: bool):
        crashed = []
        for srv in reversed(self.started):
            srv.stop(print_log=failed)
            if srv.died_unexpectedly or srv.sanitizer_report:
                crashed.append(srv)
        self.started.clear()
        return crashed


@pytest.fixture
def server_factory(request):
    factory = ServerFactory()
    yield factory
    crashed = factory.finish(_test_failed(request))
    if crashed:
        pytest.fail("server(s) exited during the test or reported a sanitizer error: %s (logs above)"
                    % ", ".join("%s rc=%s" % (s, s.exit_code) for s in crashed), pytrace=False)


@pytest.fixture
def redis_server(server_factory):
    return server_factory.redis()


@pytest.fixture
def memkeydb_server(server_factory):
    return server_factory.memkeydb()
