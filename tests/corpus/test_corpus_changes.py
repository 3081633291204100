"""What each corpus release changes, as polusgen's differ sees it.

EXPECTED is corpus/README.md's table in data form: the symbols each release
adds, deletes, edits, re-signs, and the globals that change only their
initializer.  The test checks the corpus really makes those changes (and so
covers every kind the paper's Table 1 counts) and that the differ reports
them.  Edited functions and changed types/globals are checked as "at least
these": a differ also marks everything that uses a changed type or global."""
from __future__ import annotations

from pathlib import Path

import pytest

from polusgen import pipeline, report

from .harness import SERVERS, source_dir, versions

S = set  # shorter rows below


def step(f_new=(), f_deleted=(), f_edited=(), f_signature=(), t_new=(), t_deleted=(),
         t_changed=(), g_new=(), g_deleted=(), g_changed=(), g_init_only=()):
    return {k: S(v) for k, v in locals().items()}


EXPECTED = {
    ("kvserver", 1): step(
        f_new=["store_incr", "store_append", "cmd_incr", "cmd_append"],
        f_edited=["cmd_set", "cmd_del", "cmd_stats", "handle_line"],
        t_changed=["struct kv_stats"], g_new=["max_key_len"], g_changed=["stats"]),
    ("kvserver", 2): step(
        f_new=["store_hits", "cmd_hits"],
        f_edited=["insert_node", "cmd_get", "cmd_stats", "handle_line", "queue_push"],
        f_signature=["store_get"], t_changed=["struct kv_node"],
        g_new=["total_connections"], g_changed=["buckets"], g_init_only=["max_key_len"]),
    ("kvserver", 3): step(
        f_new=["stats_count", "find_command", "cmd_version", "cmd_quit"],
        f_deleted=["count", "str_upper"], f_edited=["handle_line", "queue_push"],
        f_signature=["cmd_set", "cmd_get", "cmd_del", "cmd_incr", "cmd_append", "cmd_hits",
                     "cmd_stats"],
        t_new=["enum kv_cmd", "struct command"], t_changed=["struct kv_stats"],
        g_new=["commands", "cmd_counts"], g_deleted=["total_connections"], g_changed=["stats"]),
    ("kvserver", 4): step(
        f_new=["client_register", "client_unregister", "client_count", "client_loop",
               "store_count", "cmd_count", "cmd_client", "cmd_clients"],
        f_edited=["serve_client"],
        f_signature=["handle_line", "cmd_set", "cmd_get", "cmd_del", "cmd_incr", "cmd_append",
                     "cmd_hits", "cmd_stats", "cmd_version", "cmd_quit"],
        t_new=["struct client"], t_changed=["struct command", "enum kv_cmd"],
        g_new=["clients", "clients_lock", "next_client_id"],
        g_changed=["commands", "cmd_counts"]),
    ("ftpish", 1): step(
        f_new=["cmd_size", "cmd_stat", "is_anonymous"], f_edited=["cmd_retr", "dispatch"],
        f_signature=["cmd_user"], t_changed=["struct ftp_session"],
        g_new=["anon_users", "max_login_fails"], g_changed=["session"]),
    ("ftpish", 2): step(
        f_new=["send_reply", "refuse"],
        f_edited=["start_session", "reap_children", "read_command", "config_defaults",
                  "config_set", "handle_connection", "cmd_pwd", "cmd_retr", "cmd_stat"],
        f_signature=["reply", "reply_part", "session_run", "child_add"],
        t_changed=["struct child", "struct ftp_config", "struct ftp_session"],
        g_new=["next_session_id"], g_changed=["children", "config", "session"]),
    ("ftpish", 3): step(
        f_new=["cmd_cdup", "cmd_help", "cmd_noop", "cmd_syst", "cmd_quit"],
        f_deleted=["require_login", "str_upper"],
        f_edited=["dispatch", "cmd_user", "session_run", "start_session"],
        f_signature=["cmd_pass", "cmd_pwd", "cmd_cwd", "cmd_list", "cmd_retr", "cmd_size",
                     "cmd_stat"],
        t_new=["enum session_state", "struct ftp_command"], t_changed=["struct ftp_session"],
        g_new=["commands"], g_deleted=["total_sessions"], g_changed=["session"],
        g_init_only=["max_login_fails"]),
    ("ftpish", 4): step(
        f_new=["cmd_feat", "cmd_mdtm", "compare_entries", "slot_take", "slot_release"],
        f_deleted=["compare_names", "child_add", "child_remove"],
        f_edited=["cmd_list", "cmd_stat", "config_defaults", "config_set", "reap_children",
                  "start_session"],
        t_new=["struct dir_entry", "struct session_slot"], t_deleted=["struct child"],
        t_changed=["struct ftp_config"],
        g_new=["slots"], g_deleted=["children"], g_changed=["config", "commands"]),
    ("poolhttp", 1): step(
        f_edited=["spawn", "config_defaults", "handle_connection"],
        t_changed=["struct pool_config"], g_changed=["config"]),
    ("poolhttp", 2): step(
        f_edited=["respond", "handle_connection"],
        t_changed=["struct child_stats"], g_changed=["stats"]),
    ("poolhttp", 3): step(
        f_edited=["on_term", "config_defaults", "handle_connection"],
        t_changed=["struct pool_config"], g_changed=["config"]),
}
STEPS = sorted(EXPECTED)


def bare(name: str) -> str:
    return name.split("@")[0]          # statics are keyed "name@file.c"


def reported(server: str, n: int) -> dict[str, set[str]]:
    """The differ's view of step v(n-1) -> v(n), in EXPECTED's terms."""
    old, new = source_dir(server, f"v{n - 1}"), source_dir(server, f"v{n}")
    cs = pipeline.load_changeset(old, new, use_cache=False)
    d = report.changeset_to_json(cs)
    own_files = {p.name for p in list(old.iterdir()) + list(new.iterdir())}

    def names(kind, pred):
        return {bare(k) for k, v in d[kind].items() if pred(v)}

    def own(v):
        return Path(v.get("file") or "").name in own_files

    return {
        "f_new": names("functions", lambda v: v["status"] == "added" and not v["signature_changed"]),
        "f_deleted": names("functions", lambda v: v["status"] == "deleted"),
        "f_changed": names("functions", lambda v: v["status"] == "changed" or v["signature_changed"]),
        "f_signature": names("functions", lambda v: v["signature_changed"]),
        "t_new": names("types", lambda v: v["status"] == "added" and own(v)),
        "t_deleted": names("types", lambda v: v["status"] == "deleted" and own(v)),
        "t_changed": names("types", lambda v: v["status"] == "changed" and own(v)),
        "g_new": names("globals", lambda v: v["status"] == "added"),
        "g_deleted": names("globals", lambda v: v["status"] == "deleted"),
        "g_changed": names("globals", lambda v: v["status"] == "changed"),
        "g_init_only": names("globals", lambda v: v.get("initializer_only")),
    }


def test_every_step_is_described():
    steps = {(s, int(v[1:])) for s in SERVERS for v in versions(s)[1:]}
    assert steps == set(EXPECTED)


@pytest.mark.parametrize("server,n", STEPS, ids=[f"{s}-v{n - 1}-v{n}" for s, n in STEPS])
def test_step_changes(server, n):
    want, got = EXPECTED[server, n], reported(server, n)
    for key in ("f_new", "f_deleted", "t_new", "t_deleted", "g_new", "g_deleted", "g_init_only"):
        assert got[key] == want[key], key
    assert want["f_edited"] <= got["f_changed"]
    assert want["f_signature"] <= got["f_signature"]
    assert want["t_changed"] <= got["t_changed"]
    assert want["g_changed"] <= got["g_changed"]


@pytest.mark.parametrize("server", ["kvserver", "ftpish"])
def test_releases_cover_every_kind_of_change(server):
    """Over its releases each server adds, deletes and changes functions,
    types and globals, re-signs a function and changes an initializer only."""
    rows = [EXPECTED[s, n] for s, n in STEPS if s == server]
    kinds = ["f_new", "f_deleted", "f_edited", "f_signature", "t_new", "t_changed",
             "g_new", "g_deleted", "g_changed", "g_init_only"]
    if server == "ftpish":
        kinds.append("t_deleted")      # the paper's Table 1 deletes no type; ftpish v4 does
    for key in kinds:
        assert any(row[key] for row in rows), key
