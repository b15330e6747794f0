"""Loaded by every Python process of a pipeline run in the tests (PYTHONPATH): any network access fails."""
import socket


def _blocked(*args, **kwargs):
    raise RuntimeError("network access blocked in the test run: the pipeline must not use the network")


socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
