"""Fixtures for the corpus tests: every version built once per run, and a
factory that starts a server and always kills it when the test ends."""
from __future__ import annotations

import pytest

from .harness import ServerProcess, build_all, ftp_root


@pytest.fixture(scope="session")
def corpus_bins(tmp_path_factory):
    """{(server, version): path of its binary}, built with corpus/Makefile."""
    return build_all(tmp_path_factory.mktemp("corpus-build"))


@pytest.fixture
def start_server(corpus_bins):
    """start_server(server, version, *args) -> a running ServerProcess."""
    started: list[ServerProcess] = []

    def start(server: str, version: str, *args) -> ServerProcess:
        srv = ServerProcess(corpus_bins[server, version], *args)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture
def root(tmp_path):
    """The directory ftpish serves as "/"."""
    return ftp_root(tmp_path / "root")
